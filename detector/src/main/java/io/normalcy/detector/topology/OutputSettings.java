package io.normalcy.detector.topology;

import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * What the topology must know about where its outputs go, so that no single input can produce a record Kafka
 * refuses. Under exactly-once a refused record is not a skippable error: the producer's transaction enters an
 * error state, the stream thread dies, and the replacement re-reads the same input and dies again. Hence the
 * checks happen before forwarding.
 *
 * @param maxRecordSize largest record the Streams producer sends: the smaller of its {@code max.request.size} and
 *                      {@code buffer.memory} (the two limits {@code KafkaProducer} enforces per record)
 * @param knownTopics   which subscription topics exist
 */
public record OutputSettings(int maxRecordSize, KnownTopics knownTopics) {
    /** Smallest accepted limit: room for the framing margin plus a useful record. */
    public static final int MIN_RECORD_SIZE = 16 * 1024;

    public OutputSettings {
        if (maxRecordSize < MIN_RECORD_SIZE) {
            throw new IllegalArgumentException("kafka.streams.detector.max.request.size (producer) must be >= "
                    + MIN_RECORD_SIZE + " bytes for the detector's outputs, got " + maxRecordSize);
        }
        Objects.requireNonNull(knownTopics, "knownTopics");
    }

    /** Kafka's default producer limit (1 MiB) and every topic assumed to exist. */
    public static OutputSettings defaults() {
        return new OutputSettings(defaultInt(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), KnownTopics.all());
    }

    /**
     * The per-record limit of the producers Kafka Streams creates from {@code config}: {@code producer.}-prefixed
     * settings over plain ones over Kafka's defaults, exactly as Streams resolves them.
     *
     * @throws ConfigException naming the key when a value is not a number
     */
    public static int maxRecordSize(StreamsConfig config) {
        Map<String, Object> producer = config.getProducerConfigs("normalcy-detector-output-limit");
        int maxRequest = (Integer) value(producer, ProducerConfig.MAX_REQUEST_SIZE_CONFIG, ConfigDef.Type.INT);
        long bufferMemory = (Long) value(producer, ProducerConfig.BUFFER_MEMORY_CONFIG, ConfigDef.Type.LONG);
        return (int) Math.min(maxRequest, bufferMemory);
    }

    private static Object value(Map<String, Object> producer, String key, ConfigDef.Type type) {
        Object v = producer.get(key);
        return v == null ? ProducerConfig.configDef().defaultValues().get(key) : ConfigDef.parseType(key, v, type);
    }

    private static int defaultInt(String key) {
        return (Integer) ProducerConfig.configDef().defaultValues().get(key);
    }
}
