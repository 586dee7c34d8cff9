package io.normalcy.schemas;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.TrainingStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Every schema version of every top-level Normalcy record that was ever released, loaded from
 * {@code io/normalcy/avro/released/<Record>/v<N>.avsc} on the class path.
 *
 * <p>Why: topics carry Avro single-object encoding, whose header names the writer schema only by its
 * 64-bit fingerprint. A reader can decode old data only if it still knows the old schema, so released
 * schemas are never edited or deleted: a changed contract is released as {@code v<N+1>.avsc} (the
 * {@code ReleasedSchemasTest} fails until the current generated schema is released). Versions are
 * numbered 1, 2, ... without gaps.
 */
public final class ReleasedSchemas {

    /** The top-level records that travel on Normalcy topics (the ones with released schemas). */
    public static final List<Class<? extends SpecificRecord>> TOPIC_RECORDS = List.of(
            FeatureVector.class, ScoredEvent.class, Alert.class, ModelVersion.class,
            RetrainRequest.class, AlertSubscription.class, DeadLetter.class, TrainingStatus.class,
            ModelControl.class);

    private static final String ROOT = "/io/normalcy/avro/released/";
    private static final Map<Class<?>, List<Schema>> CACHE = new ConcurrentHashMap<>();

    private ReleasedSchemas() {
    }

    /** Released versions of {@code type}, index 0 = v1; empty when the type was never released. */
    public static List<Schema> versions(Class<? extends SpecificRecord> type) {
        return CACHE.computeIfAbsent(type, t -> load(t.getSimpleName()));
    }

    /** Released schema {@code v<version>} of {@code type}. */
    public static Optional<Schema> version(Class<? extends SpecificRecord> type, int version) {
        List<Schema> all = versions(type);
        return version >= 1 && version <= all.size() ? Optional.of(all.get(version - 1)) : Optional.empty();
    }

    /** Number of the newest released version of {@code type}, 0 when none. */
    public static int latestVersion(Class<? extends SpecificRecord> type) {
        return versions(type).size();
    }

    /** A schema store holding the current schema of {@code type} and every released version. */
    public static SchemaStore.Cache store(Class<? extends SpecificRecord> type) {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        cache.addSchema(SpecificData.get().getSchema(type));
        versions(type).forEach(cache::addSchema);
        return cache;
    }

    /**
     * Which Normalcy record schema has this single-object fingerprint, e.g. {@code "ScoredEvent v1"} or
     * {@code "ScoredEvent (unreleased current schema)"}; used to make "wrong topic" errors obvious.
     */
    public static Optional<String> describeFingerprint(long fingerprint) {
        for (Class<? extends SpecificRecord> type : TOPIC_RECORDS) {
            List<Schema> all = versions(type);
            for (int i = 0; i < all.size(); i++) {
                if (SchemaNormalization.parsingFingerprint64(all.get(i)) == fingerprint) {
                    return Optional.of(type.getSimpleName() + " v" + (i + 1));
                }
            }
            if (SchemaNormalization.parsingFingerprint64(SpecificData.get().getSchema(type)) == fingerprint) {
                return Optional.of(type.getSimpleName() + " (unreleased current schema)");
            }
        }
        return Optional.empty();
    }

    private static List<Schema> load(String record) {
        List<Schema> out = new ArrayList<>();
        for (int v = 1; ; v++) {
            String path = ROOT + record + "/v" + v + ".avsc";
            try (InputStream in = ReleasedSchemas.class.getResourceAsStream(path)) {
                if (in == null) {
                    return List.copyOf(out);
                }
                out.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read released schema " + path, e);
            }
        }
    }
}
