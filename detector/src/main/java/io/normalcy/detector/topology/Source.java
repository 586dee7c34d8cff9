package io.normalcy.detector.topology;

import java.util.Optional;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/** Coordinates of the input record being processed (topic "unknown", -1/-1 when Kafka Streams has none). */
record Source(String topic, int partition, long offset) {
    private static final Source UNKNOWN = new Source("unknown", -1, -1L);

    static Source of(Optional<RecordMetadata> meta) {
        if (meta.isEmpty()) {
            return UNKNOWN;
        }
        RecordMetadata m = meta.get();
        return new Source(m.topic(), m.partition(), m.offset());
    }

    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
