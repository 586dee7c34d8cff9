package io.normalcy.schemas.serde;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.TrainingStatus;
import org.apache.kafka.common.serialization.Serde;

/**
 * Factory of the value serdes of every Normalcy topic. Serdes are stateless and thread-safe.
 * The nested classes have public no-argument constructors for tools that take a class name
 * (e.g. {@code kafka-console-consumer --value-deserializer io.normalcy.schemas.serde.NormalcySerdes$AlertSerde},
 * Kafka Streams {@code default.value.serde}); feature vectors use {@link FeatureVectorSerde} directly.
 */
public final class NormalcySerdes {

    private NormalcySerdes() {
    }

    /** Feature vectors written in {@code format}, read in either format (auto-detected per record). */
    public static FeatureVectorSerde featureVector(Format format) {
        return new FeatureVectorSerde(format);
    }

    /** Feature vectors written as Avro, read in either format. */
    public static FeatureVectorSerde featureVector() {
        return new FeatureVectorSerde(Format.AVRO);
    }

    /** Strict JSON-only feature vectors. */
    public static FeatureVectorJsonSerde featureVectorJson() {
        return new FeatureVectorJsonSerde();
    }

    /** Avro-only feature vectors. */
    public static AvroSerde<FeatureVector> featureVectorAvro() {
        return AvroSerde.of(FeatureVector.class);
    }

    public static AvroSerde<ScoredEvent> scoredEvent() {
        return AvroSerde.of(ScoredEvent.class);
    }

    public static AvroSerde<Alert> alert() {
        return AvroSerde.of(Alert.class);
    }

    public static AvroSerde<ModelVersion> modelVersion() {
        return AvroSerde.of(ModelVersion.class);
    }

    /** Control records (pin, unpin, retire) of the models topic; read the topic with {@link ModelsTopicDecoder}. */
    public static AvroSerde<ModelControl> modelControl() {
        return AvroSerde.of(ModelControl.class);
    }

    public static AvroSerde<RetrainRequest> retrainRequest() {
        return AvroSerde.of(RetrainRequest.class);
    }

    public static AvroSerde<AlertSubscription> alertSubscription() {
        return AvroSerde.of(AlertSubscription.class);
    }

    public static AvroSerde<DeadLetter> deadLetter() {
        return AvroSerde.of(DeadLetter.class);
    }

    public static AvroSerde<TrainingStatus> trainingStatus() {
        return AvroSerde.of(TrainingStatus.class);
    }

    /** Serde of {@code type} with Avro single-object encoding. */
    public static <T extends org.apache.avro.specific.SpecificRecord> Serde<T> avro(Class<T> type) {
        return AvroSerde.of(type);
    }

    /** {@link AvroSerde} of {@link ScoredEvent}, instantiable by class name. */
    public static final class ScoredEventSerde extends AvroSerde<ScoredEvent> {
        public ScoredEventSerde() {
            super(ScoredEvent.class, null);
        }
    }

    /** {@link AvroSerde} of {@link Alert}, instantiable by class name. */
    public static final class AlertSerde extends AvroSerde<Alert> {
        public AlertSerde() {
            super(Alert.class, null);
        }
    }

    /** {@link AvroSerde} of {@link ModelVersion}, instantiable by class name. */
    public static final class ModelVersionSerde extends AvroSerde<ModelVersion> {
        public ModelVersionSerde() {
            super(ModelVersion.class, null);
        }
    }

    /** {@link AvroSerde} of {@link ModelControl}, instantiable by class name. */
    public static final class ModelControlSerde extends AvroSerde<ModelControl> {
        public ModelControlSerde() {
            super(ModelControl.class, null);
        }
    }

    /** {@link AvroSerde} of {@link RetrainRequest}, instantiable by class name. */
    public static final class RetrainRequestSerde extends AvroSerde<RetrainRequest> {
        public RetrainRequestSerde() {
            super(RetrainRequest.class, null);
        }
    }

    /** {@link AvroSerde} of {@link AlertSubscription}, instantiable by class name. */
    public static final class AlertSubscriptionSerde extends AvroSerde<AlertSubscription> {
        public AlertSubscriptionSerde() {
            super(AlertSubscription.class, null);
        }
    }

    /** {@link AvroSerde} of {@link DeadLetter}, instantiable by class name. */
    public static final class DeadLetterSerde extends AvroSerde<DeadLetter> {
        public DeadLetterSerde() {
            super(DeadLetter.class, null);
        }
    }

    /** {@link AvroSerde} of {@link TrainingStatus}, instantiable by class name. */
    public static final class TrainingStatusSerde extends AvroSerde<TrainingStatus> {
        public TrainingStatusSerde() {
            super(TrainingStatus.class, null);
        }
    }
}
