package io.normalcy.schemas.topics;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.schemas.serde.Format;
import io.normalcy.schemas.serde.NormalcySerdes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Typed descriptors of every Normalcy topic (docs/design.md § Topics).
 *
 * <p>Settings: the high-volume event topics (features, scores, alerts, dlq, parking) get the
 * configured partition count; the control topics (models, retrain, subscriptions, training-status) get
 * one partition, since they carry few records and one partition keeps them totally ordered.
 * {@code models} and {@code subscriptions} are compacted (the latest record per key is the state) with
 * {@link #COMPACTION_LAG} so a new record never replaces its predecessor before slow readers saw it,
 * and daily segments so compaction actually runs on low-volume topics. {@code models} accepts records up
 * to {@link #MODEL_MAX_MESSAGE_BYTES}; producers of models must raise {@code max.request.size} to match.
 */
public final class Topics {

    /** Default partition count of the event topics. */
    public static final int DEFAULT_PARTITIONS = 6;
    /** Largest ModelVersion record accepted by the models topic (16 MiB). */
    public static final int MODEL_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
    /** min.compaction.lag.ms of the compacted topics. */
    public static final Duration COMPACTION_LAG = Duration.ofHours(1);
    /** segment.ms of the compacted topics. */
    public static final Duration COMPACTED_SEGMENT = Duration.ofDays(1);
    /** Retention of dead letters. */
    public static final Duration DLQ_RETENTION = Duration.ofDays(14);
    /** Retention of parked events (events for models that do not exist yet, replayed when they appear). */
    public static final Duration PARKING_RETENTION = Duration.ofDays(7);

    private final TopicNames names;
    private final int partitions;
    private final short replicationFactor;

    /** Default names, {@value #DEFAULT_PARTITIONS} partitions, broker-default replication. */
    public static Topics defaults() {
        return new Topics(TopicNames.defaults(), DEFAULT_PARTITIONS, TopicDescriptor.BROKER_DEFAULT);
    }

    /**
     * @param partitions        partitions of the event topics (or -1 = broker default)
     * @param replicationFactor replication of every topic (or -1 = broker default)
     */
    public Topics(TopicNames names, int partitions, short replicationFactor) {
        this.names = Objects.requireNonNull(names, "names");
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        all(); // validates partitions and replication once, here
    }

    public TopicNames names() {
        return names;
    }

    /** Feature vectors: written as Avro, read as Avro or JSON (auto-detected per record). */
    public TopicDescriptor<String, FeatureVector> features() {
        return features(Format.AVRO);
    }

    /** Feature vectors written in {@code format}, read in either. */
    public TopicDescriptor<String, FeatureVector> features(Format format) {
        return event(names.features(), NormalcySerdes.featureVector(format), Map.of());
    }

    public TopicDescriptor<String, ScoredEvent> scores() {
        return event(names.scores(), NormalcySerdes.scoredEvent(), Map.of());
    }

    public TopicDescriptor<String, Alert> alerts() {
        return event(names.alerts(), NormalcySerdes.alert(), Map.of());
    }

    /**
     * Compacted, large records; keys {@code <model>/v<N>} and {@code <model>/pin/<sequence>} ({@code ModelKeys}).
     * Values are {@code ModelVersion} (the serde here) or {@code ModelControl}: read it with
     * {@code ModelsTopicDecoder}.
     */
    public TopicDescriptor<String, ModelVersion> models() {
        return new TopicDescriptor<>(names.models(), Serdes.String(), NormalcySerdes.modelVersion(), 1, replicationFactor,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(COMPACTION_LAG.toMillis()),
                        TopicConfig.SEGMENT_MS_CONFIG, Long.toString(COMPACTED_SEGMENT.toMillis()),
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MODEL_MAX_MESSAGE_BYTES)));
    }

    /** Key = model name. */
    public TopicDescriptor<String, RetrainRequest> retrain() {
        return control(names.retrain(), NormalcySerdes.retrainRequest());
    }

    /** Compacted, key = subscriber id; a tombstone deletes a subscription. */
    public TopicDescriptor<String, AlertSubscription> subscriptions() {
        return new TopicDescriptor<>(names.subscriptions(), Serdes.String(), NormalcySerdes.alertSubscription(), 1,
                replicationFactor, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, Long.toString(COMPACTION_LAG.toMillis()),
                TopicConfig.SEGMENT_MS_CONFIG, Long.toString(COMPACTED_SEGMENT.toMillis())));
    }

    /** Key = the original key bytes of the failed record. */
    public TopicDescriptor<byte[], DeadLetter> dlq() {
        return new TopicDescriptor<>(names.dlq(), Serdes.ByteArray(), NormalcySerdes.deadLetter(), partitions,
                replicationFactor, deleteWithRetention(DLQ_RETENTION));
    }

    /** Original key and value bytes, untouched, so parked events can be replayed to the features topic. */
    public TopicDescriptor<byte[], byte[]> parking() {
        return new TopicDescriptor<>(names.parking(), Serdes.ByteArray(), Serdes.ByteArray(), partitions,
                replicationFactor, deleteWithRetention(PARKING_RETENTION));
    }

    /** Key = retrain request id. */
    public TopicDescriptor<String, TrainingStatus> trainingStatus() {
        return control(names.trainingStatus(), NormalcySerdes.trainingStatus());
    }

    /** Every topic, in the order of the design table. */
    public List<TopicDescriptor<?, ?>> all() {
        return List.of(features(), scores(), alerts(), models(), retrain(), subscriptions(), dlq(), parking(),
                trainingStatus());
    }

    private <V> TopicDescriptor<String, V> event(String name, org.apache.kafka.common.serialization.Serde<V> serde,
                                                 Map<String, String> extra) {
        Map<String, String> configs = new java.util.HashMap<>(extra);
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        return new TopicDescriptor<>(name, Serdes.String(), serde, partitions, replicationFactor, configs);
    }

    private <V> TopicDescriptor<String, V> control(String name, org.apache.kafka.common.serialization.Serde<V> serde) {
        return new TopicDescriptor<>(name, Serdes.String(), serde, 1, replicationFactor,
                Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    private static Map<String, String> deleteWithRetention(Duration retention) {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
    }
}
