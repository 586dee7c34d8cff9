package io.normalcy.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Broker settings shared by both broker flavours.
 *
 * <p>Why these knobs: a single node must still support exactly-once Kafka Streams (transaction and offsets
 * topics need replication factor 1 / min ISR 1, which both flavours always set), model versions are large
 * records ({@code message.max.bytes}), and tests differ on whether a missing topic is a bug
 * ({@code auto.create.topics.enable=false}, the default here: the schemas module's {@code ensureTopics} is the
 * contract) or a convenience. {@code extraProperties} passes any other broker property verbatim
 * (e.g. {@code log.retention.ms}); for Testcontainers it becomes a {@code KAFKA_...} environment variable.
 *
 * @param numPartitions    {@code num.partitions}: partitions of auto-created topics (≥ 1)
 * @param autoCreateTopics {@code auto.create.topics.enable}
 * @param messageMaxBytes  {@code message.max.bytes}: largest record batch the broker accepts (≥ 1024)
 * @param extraProperties  further broker properties, applied last (may override the above)
 */
public record BrokerOptions(int numPartitions, boolean autoCreateTopics, int messageMaxBytes,
                            Map<String, String> extraProperties) {

    /** Default partitions of auto-created topics. */
    public static final int DEFAULT_NUM_PARTITIONS = 1;
    /** Default {@code message.max.bytes}: 16 MiB, room for serialized model versions. */
    public static final int DEFAULT_MESSAGE_MAX_BYTES = 16 * 1024 * 1024;

    public BrokerOptions {
        if (numPartitions < 1) {
            throw new IllegalArgumentException("numPartitions must be >= 1, got " + numPartitions);
        }
        if (messageMaxBytes < 1024) {
            throw new IllegalArgumentException("messageMaxBytes must be >= 1024, got " + messageMaxBytes);
        }
        Objects.requireNonNull(extraProperties, "extraProperties");
        extraProperties.forEach((k, v) -> {
            if (k == null || k.isBlank() || v == null) {
                throw new IllegalArgumentException("extraProperties: blank key or null value for key '" + k + "'");
            }
        });
        extraProperties = Map.copyOf(extraProperties);
    }

    /** 1 partition, no auto-creation, 16 MiB messages, no extra properties. */
    public static BrokerOptions defaults() {
        return new BrokerOptions(DEFAULT_NUM_PARTITIONS, false, DEFAULT_MESSAGE_MAX_BYTES, Map.of());
    }

    public BrokerOptions withNumPartitions(int partitions) {
        return new BrokerOptions(partitions, autoCreateTopics, messageMaxBytes, extraProperties);
    }

    public BrokerOptions withAutoCreateTopics(boolean enabled) {
        return new BrokerOptions(numPartitions, enabled, messageMaxBytes, extraProperties);
    }

    public BrokerOptions withMessageMaxBytes(int bytes) {
        return new BrokerOptions(numPartitions, autoCreateTopics, bytes, extraProperties);
    }

    /** Adds (or replaces) one raw broker property. */
    public BrokerOptions withProperty(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(extraProperties);
        copy.put(key, value);
        return new BrokerOptions(numPartitions, autoCreateTopics, messageMaxBytes, copy);
    }

    /**
     * The broker properties these options stand for, common to both flavours: the user-facing knobs plus the
     * single-node settings that exactly-once Kafka Streams needs.
     */
    Map<String, String> brokerProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("num.partitions", Integer.toString(numPartitions));
        p.put("auto.create.topics.enable", Boolean.toString(autoCreateTopics));
        p.put("message.max.bytes", Integer.toString(messageMaxBytes));
        p.put("replica.fetch.max.bytes", Integer.toString(messageMaxBytes));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        // a dead producer's open transaction is aborted within 1 s of its timeout (default: up to 10 s later);
        // an exactly-once task that moves to another instance waits for that abort (docs/reliability.md)
        p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.putAll(extraProperties);
        return p;
    }
}
