package io.normalcy.trainer.service;

import io.normalcy.schemas.kafka.KafkaClientSettings;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Kafka client settings shared by the trainer's consumers, producers and admin client.
 *
 * <p>{@code common} holds every {@code kafka.*} property of the configuration (Micronaut Kafka convention,
 * prefix removed): bootstrap servers and also {@code security.protocol}, {@code sasl.*}, {@code ssl.*}, so
 * that a secured cluster needs nothing but configuration (environment: {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL}).
 * The trainer's own settings (client id, isolation, idempotence) are applied on top.
 */
public record KafkaSettings(Map<String, Object> common, String clientIdPrefix) {

    public KafkaSettings {
        common = Map.copyOf(common);
        if (!common.containsKey(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is not set");
        }
        Objects.requireNonNull(clientIdPrefix, "clientIdPrefix");
    }

    /** Client settings from the raw {@code kafka.*} tree, by the shared rule of {@link KafkaClientSettings}. */
    public static KafkaSettings fromKafkaTree(Map<String, Object> kafka, String clientIdPrefix) {
        return new KafkaSettings(new HashMap<>(KafkaClientSettings.fromKafkaTree(kafka)), clientIdPrefix);
    }

    public String bootstrapServers() {
        return String.valueOf(common.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** Admin client settings. */
    public Map<String, Object> admin() {
        return new HashMap<>(common);
    }

    public Map<String, Object> consumer(String purpose) {
        Map<String, Object> m = new HashMap<>(common);
        m.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix + "-" + purpose);
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return m;
    }

    public Map<String, Object> producer(String purpose) {
        Map<String, Object> m = new HashMap<>(common);
        m.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix + "-" + purpose);
        m.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        m.put(ProducerConfig.ACKS_CONFIG, "all");
        m.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return m;
    }
}
