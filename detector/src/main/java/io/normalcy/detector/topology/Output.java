package io.normalcy.detector.topology;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A record on its way out of the scoring processor: already-serialized value bytes plus the destination topic.
 * Serializing inside the processor (with the schemas serdes) lets one dynamic sink
 * ({@link org.apache.kafka.streams.processor.TopicNameExtractor}) write scores, alerts, subscription copies,
 * dead letters, parked records and retrain requests, and means the sink can never fail on serialization.
 */
public record Output(String topic, byte[] value) {

    /** Serde whose serializer returns {@link #value()}; deserialization is not supported (sink only). */
    public static final class OutputSerde implements Serde<Output>, Serializer<Output>, Deserializer<Output> {
        @Override
        public byte[] serialize(String topic, Output data) {
            return data == null ? null : data.value();
        }

        @Override
        public Output deserialize(String topic, byte[] data) {
            throw new UnsupportedOperationException("Output is a sink-only type");
        }

        @Override
        public Serializer<Output> serializer() {
            return this;
        }

        @Override
        public Deserializer<Output> deserializer() {
            return this;
        }

        @Override
        public void configure(java.util.Map<String, ?> configs, boolean isKey) {
            // nothing to configure
        }

        @Override
        public void close() {
            // stateless
        }
    }
}
