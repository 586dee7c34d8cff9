package io.normalcy.schemas;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelControlAction;
import io.normalcy.avro.ModelVersion;

/**
 * Record keys of the compacted models topic. One key per model version ({@code <model>/v<version>}) and one per
 * pin command ({@code <model>/pin/<sequence>}): compaction keeps the last record of a key, so with one key per
 * model a single later record (junk, a tombstone, a replayed old version) became the model's only record. With these
 * keys a later record can only replace the same version or the same pin command, and a reader checks that a record's
 * key is the one its content implies ({@link #expectedKey}), so a record copied under another key is rejected.
 *
 * <p>Records of older deployments are keyed by the bare model name ({@link #isLegacyKey}); they stay readable.
 * Model names never contain {@value #SEPARATOR} (the trainer restricts them to {@code [A-Za-z0-9._-]}).
 */
public final class ModelKeys {
    public static final char SEPARATOR = '/';
    /**
     * Kafka record header naming the key that signed a {@code ModelVersion} (its signature fields are covered by
     * the digest rules of format version 1, so the id travels beside it). It only selects the verification key.
     */
    public static final String KEY_ID_HEADER = "normalcy.signing.key-id";

    private ModelKeys() {
    }

    /** Whether {@code model} can be part of a key: non-empty, without {@value #SEPARATOR}. */
    public static boolean isValidModelName(String model) {
        return model != null && !model.isEmpty() && model.indexOf(SEPARATOR) < 0;
    }

    /** {@code <model>/v<version>}. */
    public static String versionKey(String model, long version) {
        return model + SEPARATOR + "v" + version;
    }

    /** {@code <model>/pin/<sequence>}. */
    public static String pinKey(String model, long sequence) {
        return model + SEPARATOR + "pin" + SEPARATOR + sequence;
    }

    /** The key a model version is published under. */
    public static String expectedKey(ModelVersion mv) {
        return versionKey(mv.getModel(), mv.getVersion());
    }

    /** The key a control is published under: RETIRE replaces its version's record, PIN/UNPIN have their own. */
    public static String expectedKey(ModelControl c) {
        if (c.getAction() == ModelControlAction.RETIRE) {
            return c.getVersion() == null ? null : versionKey(c.getModel(), c.getVersion());
        }
        return pinKey(c.getModel(), c.getSequence());
    }

    /** A record of an older deployment, keyed by the model name alone. */
    public static boolean isLegacyKey(String key, String model) {
        return isValidModelName(model) && model.equals(key);
    }

    /** The model part of any key (everything before the first {@value #SEPARATOR}); for logs and metrics. */
    public static String modelOf(String key) {
        if (key == null) {
            return "unknown";
        }
        int i = key.indexOf(SEPARATOR);
        return i < 0 ? key : key.substring(0, i);
    }
}
