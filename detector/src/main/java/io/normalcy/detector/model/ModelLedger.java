package io.normalcy.detector.model;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelControlAction;
import io.normalcy.avro.ModelVersion;
import io.normalcy.schemas.ModelControls;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.ModelsTopicDecoder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * What the models topic has established, per model, and so which version to serve. The served version is a
 * function of the SET of valid records, not of the last record of a key: every accepted version (first record of
 * a (model, version) only), the versions retired by RETIRE records, and the PIN/UNPIN with the highest sequence.
 * Served = the pinned version when a PIN is in force and names an accepted, non-retired version, else the newest
 * accepted, non-retired version. So junk, tombstones, replays and records under the wrong key never displace
 * anything; versions only move forward, except by a (signed) PIN or RETIRE. The same code rebuilds the answer from
 * the global store after a restart ({@link #replay}).
 *
 * <p>Rejected records come back as {@link Rejected} with a short reason: {@code undecodable}, {@code invalid},
 * {@code signature}, {@code unknown-key}, {@code key-mismatch}, {@code duplicate-version}, {@code invalid-control},
 * {@code stale-control}, {@code unsigned-deletion} (a tombstone: deleting needs a RETIRE record; a tombstone would
 * anyway vanish after {@code delete.retention.ms}, so a deletion by tombstone would be undone by the next restart).
 *
 * <p>Keeps only metadata per version (the validated runtime model of a version that is not served is not kept:
 * {@link Accepted#loaded()} hands it over once). Not thread-safe: one owner (the global stream thread, or a
 * resolver's private rebuild).
 */
public final class ModelLedger {
    private final ModelLoader loader;
    private final String topic;
    private final Map<String, History> models = new HashMap<>();

    /** The result of one record. */
    public sealed interface Outcome permits Accepted, Ignored, Rejected {
        String model();
    }

    /** A new fact: store the record. {@code loaded} is the validated model of a model version, else null. */
    public record Accepted(String model, String what, LoadedModel loaded) implements Outcome {
    }

    /** Nothing new (a repeat of an accepted record): not stored, not counted. */
    public record Ignored(String model, String why) implements Outcome {
    }

    /** Refused: not stored; counted as {@code normalcy.models.rejected{model,reason}}. */
    public record Rejected(String model, RejectionReason reason, String message) implements Outcome {
    }

    /**
     * The version to serve.
     *
     * @param storeKey where its record is in the global store
     * @param pinned   true when a PIN (rollback) chose it
     * @param newest   the newest accepted, non-retired version (= version unless pinned)
     */
    public record Serving(String model, long version, String storeKey, boolean pinned, long newest) {
    }

    private record Version(String storeKey, ByteBuffer digest) {
    }

    private static final class History {
        final TreeMap<Long, Version> versions = new TreeMap<>();
        final Set<Long> retired = new HashSet<>();
        ModelControl pin;
    }

    public ModelLedger(ModelLoader loader, String topic) {
        this.loader = loader;
        this.topic = topic;
    }

    /** The served version and its validated runtime model. */
    public record Served(Serving serving, LoadedModel model) {
    }

    /**
     * Applies global-store entries (restored from the topic with or without the processor) to this ledger. Pin
     * records are applied in sequence order (the store iterates keys as text, where {@code pin/10} precedes
     * {@code pin/9}), everything else in key order: the result is the one the live processor computed.
     *
     * @param onOutcome gets every outcome, e.g. to count rejected records (junk a raw restoration put into the store)
     *                  and to keep the newest validated model ({@link Accepted#loaded()})
     */
    public void replay(Iterator<KeyValue<String, byte[]>> entries, Consumer<Outcome> onOutcome) {
        List<KeyValue<String, byte[]>> pins = new ArrayList<>();
        entries.forEachRemaining(kv -> {
            if (pinSequence(kv.key) != null) {
                pins.add(kv);
            } else {
                onOutcome.accept(apply(kv.key, kv.value, null));
            }
        });
        pins.sort(Comparator.comparing((KeyValue<String, byte[]> kv) -> ModelKeys.modelOf(kv.key))
                .thenComparing(kv -> pinSequence(kv.key)));
        pins.forEach(kv -> onOutcome.accept(apply(kv.key, kv.value, null)));
    }

    /**
     * The version of {@code model} to serve with its runtime model: {@code candidate} when it is that version
     * (no second validation), else loaded from the store. A record that cannot be loaded back (overwritten in the
     * store) is forgotten and the next choice is tried.
     *
     * @return null when {@code model} has nothing to serve
     */
    public Served loadServed(String model, ReadOnlyKeyValueStore<String, byte[]> store, LoadedModel candidate) {
        for (Serving s = serving(model); s != null; s = serving(model)) {
            if (candidate != null && candidate.version() == s.version()) {
                return new Served(s, candidate);
            }
            try {
                ModelsTopicDecoder.Decoded d = loader.decode(topic, store.get(s.storeKey()));
                if (d != null && d.isVersion() && d.version().getVersion() == s.version()
                        && model.equals(d.version().getModel())) {
                    return new Served(s, loader.load(d.version(), null));
                }
            } catch (ModelRejectedException e) {
                // falls through: the stored record no longer loads
            }
            forget(model, s.version());
        }
        return null;
    }

    private static Long pinSequence(String key) {
        int i = key == null ? -1 : key.indexOf(ModelKeys.SEPARATOR + "pin" + ModelKeys.SEPARATOR);
        if (i < 0) {
            return null;
        }
        try {
            return Long.parseLong(key.substring(i + 5));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * Applies one record of the models topic.
     *
     * @param keyId the key id the record names (header {@link ModelKeys#KEY_ID_HEADER}), null = none
     */
    public Outcome apply(String key, byte[] value, String keyId) {
        String label = ModelKeys.modelOf(key);
        if (key == null) {
            return new Rejected(label, RejectionReason.KEY_MISMATCH, "a record without key is never a model");
        }
        if (value == null) {
            return new Rejected(label, RejectionReason.UNSIGNED_DELETION, "tombstone for '" + key + "' ignored: a version is "
                    + "only removed by a " + (loader.signaturesRequired() ? "signed " : "")
                    + "RETIRE record of the trainer");
        }
        ModelsTopicDecoder.Decoded d;
        try {
            d = loader.decode(topic, value);
        } catch (ModelRejectedException e) {
            return new Rejected(label, e.reason(), "record '" + key + "': " + e.getMessage());
        }
        return d.isVersion() ? applyVersion(key, d.version(), keyId) : applyControl(key, d.control());
    }

    private Outcome applyVersion(String key, ModelVersion mv, String keyId) {
        String model = mv.getModel();
        long v = mv.getVersion();
        if (!ModelKeys.isValidModelName(model) || v < 1) {
            return new Rejected(ModelKeys.modelOf(key), RejectionReason.INVALID, "record '" + key + "': model name '" + model
                    + "' (must not contain '" + ModelKeys.SEPARATOR + "') or version " + v + " (must be >= 1)");
        }
        if (!key.equals(ModelKeys.expectedKey(mv)) && !ModelKeys.isLegacyKey(key, model)) {
            return new Rejected(model, RejectionReason.KEY_MISMATCH, "record key '" + key + "' does not belong to model " + model
                    + " v" + v + " (expected '" + ModelKeys.expectedKey(mv) + "')");
        }
        History h = models.get(model);
        if (h != null && h.retired.contains(v)) {
            return new Ignored(model, "v" + v + " is retired");
        }
        Version existing = h == null ? null : h.versions.get(v);
        if (existing != null) {
            if (existing.digest().equals(mv.getDigest())) {
                return new Ignored(model, "v" + v + " is already accepted");
            }
            return new Rejected(model, RejectionReason.DUPLICATE_VERSION, "v" + v + " was accepted with digest "
                    + hex(existing.digest()) + "; a second record of v" + v + " (digest " + hex(mv.getDigest())
                    + ", key '" + key + "') is ignored");
        }
        LoadedModel loaded;
        try {
            loaded = loader.load(mv, keyId);
        } catch (ModelRejectedException e) {
            return new Rejected(model, e.reason(), e.getMessage());
        }
        History history = models.computeIfAbsent(model, m -> new History());
        // a legacy key holds one version at a time: the one it held before is gone from the store and the topic
        history.versions.values().removeIf(x -> x.storeKey().equals(key));
        history.versions.put(v, new Version(key, ByteBuffer.wrap(ModelSignatureVerifier.bytes(mv.getDigest()))));
        return new Accepted(model, "v" + v, loaded);
    }

    private Outcome applyControl(String key, ModelControl c) {
        String problem = ModelControls.problem(c);
        if (problem != null) {
            return new Rejected(ModelKeys.modelOf(key), RejectionReason.INVALID_CONTROL, "record '" + key + "': " + problem);
        }
        String model = c.getModel();
        String expected = ModelKeys.expectedKey(c);
        if (!key.equals(expected)) {
            return new Rejected(model, RejectionReason.KEY_MISMATCH, "record key '" + key + "' does not belong to " + describe(c)
                    + " (expected '" + expected + "')");
        }
        try {
            loader.verify(c);
        } catch (ModelRejectedException e) {
            return new Rejected(model, e.reason(), e.getMessage());
        }
        History h = models.computeIfAbsent(model, m -> new History());
        if (c.getAction() == ModelControlAction.RETIRE) {
            return h.retired.add(c.getVersion()) ? new Accepted(model, describe(c), null)
                    : new Ignored(model, "v" + c.getVersion() + " is already retired");
        }
        if (h.pin != null && c.getSequence() <= h.pin.getSequence()) {
            if (c.equals(h.pin)) {
                return new Ignored(model, describe(c) + " is already in force");
            }
            return new Rejected(model, RejectionReason.STALE_CONTROL, describe(c) + " is not newer than " + describe(h.pin)
                    + ", which stays in force");
        }
        h.pin = c;
        return new Accepted(model, describe(c), null);
    }

    static String describe(ModelControl c) {
        return switch (c.getAction()) {
            case PIN -> "PIN of " + c.getModel() + " to v" + c.getVersion() + " (sequence " + c.getSequence() + ")";
            case UNPIN -> "UNPIN of " + c.getModel() + " (sequence " + c.getSequence() + ")";
            case RETIRE -> "RETIRE of " + c.getModel() + " v" + c.getVersion();
        };
    }

    /** The version of {@code model} to serve, null when it has none (no valid version, or all retired). */
    public Serving serving(String model) {
        History h = models.get(model);
        if (h == null) {
            return null;
        }
        Long newest = null;
        for (Long v : h.versions.descendingKeySet()) {
            if (!h.retired.contains(v)) {
                newest = v;
                break;
            }
        }
        if (newest == null) {
            return null;
        }
        if (h.pin != null && h.pin.getAction() == ModelControlAction.PIN) {
            long p = h.pin.getVersion();
            if (h.versions.containsKey(p) && !h.retired.contains(p)) {
                return new Serving(model, p, h.versions.get(p).storeKey(), true, newest);
            }
        }
        return new Serving(model, newest, h.versions.get(newest).storeKey(), false, newest);
    }

    /** Models with any accepted record. */
    public Set<String> models() {
        return Set.copyOf(models.keySet());
    }

    /** True when no record was accepted yet (a rebuild from the store is then due). */
    public boolean isEmpty() {
        return models.isEmpty();
    }

    /**
     * Forgets that {@code version} of {@code model} was accepted (its record could not be loaded back from the store:
     * it was overwritten there), so {@link #serving} picks another one.
     */
    public void forget(String model, long version) {
        History h = models.get(model);
        if (h != null) {
            h.versions.remove(version);
        }
    }

    private static String hex(ByteBuffer b) {
        return b == null ? "none" : HexFormat.of().formatHex(ModelSignatureVerifier.bytes(b));
    }
}
