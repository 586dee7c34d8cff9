package io.normalcy.detector.delivery;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Consumer/producer settings of the delivery side, layered on the service's plain client settings (every
 * {@code kafka.*} property, see {@code io.normalcy.detector.runtime.KafkaProperties#clients}) so security and
 * bootstrap settings apply unchanged; only the semantics this side depends on are fixed here.
 */
public final class KafkaClients {
    private KafkaClients() {
    }

    /**
     * A consumer reading committed data only (the detector writes alerts transactionally: aborted
     * exactly-once attempts must never reach a webhook or an SSE client), with manual offsets.
     *
     * @param groupId null for manual partition assignment without a group
     */
    public static Properties consumer(Properties client, String groupId, String clientId) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (groupId != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        } else {
            p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        }
        return p;
    }

    /** An idempotent producer that waits for all in-sync replicas: writes the API acknowledges must not be lost. */
    public static Properties producer(Properties client, String clientId) {
        Properties p = new Properties();
        p.putAll(client);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        return p;
    }
}
