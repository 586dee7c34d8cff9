package io.normalcy.detector.topology;

import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.InputFormat;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import io.normalcy.schemas.serde.Format;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes feature-vector bytes in the format configured for their topic. AUTO picks Avro when the value starts
 * with the single-object marker {@code C3 01}, JSON when it starts with <code>{</code>
 * ({@link FeatureVectorSerde#detect}). Every failure is a {@link SerializationException}
 * whose message names the topic and the problem (the dead letter carries it). Not thread-safe (one per task).
 */
final class FeatureDecoder {
    private final AvroSerde<FeatureVector> avro = AvroSerde.of(FeatureVector.class);
    private final FeatureVectorJsonSerde json = new FeatureVectorJsonSerde();
    private final DetectorSettings settings;

    FeatureDecoder(DetectorSettings settings) {
        this.settings = settings;
    }

    FeatureVector decode(String topic, byte[] value) {
        if (value == null) {
            throw new SerializationException("Cannot deserialize FeatureVector from topic '" + topic
                    + "': null value (tombstone) where a feature vector was expected");
        }
        InputFormat format = settings.formatOf(topic);
        if (format == InputFormat.AUTO) {
            Format detected = FeatureVectorSerde.detect(value);
            if (detected == null) {
                throw new SerializationException("Cannot deserialize FeatureVector from topic '" + topic
                        + "': neither Avro single-object encoding (C3 01 ...) nor a JSON object");
            }
            format = detected == Format.AVRO ? InputFormat.AVRO : InputFormat.JSON;
        }
        FeatureVector fv = format == InputFormat.AVRO ? avro.deserialize(topic, value) : json.deserialize(topic, value);
        if (fv == null) {
            throw new SerializationException("Cannot deserialize FeatureVector from topic '" + topic + "': empty record");
        }
        if (fv.getModel() == null || fv.getModel().isBlank()) {
            throw new SerializationException("FeatureVector from topic '" + topic + "': field 'model' is blank");
        }
        if (fv.getEntity() == null) {
            throw new SerializationException("FeatureVector from topic '" + topic + "': field 'entity' is missing");
        }
        if (fv.getFeatures() == null) {
            throw new SerializationException("FeatureVector from topic '" + topic + "': field 'features' is missing");
        }
        return fv;
    }
}
