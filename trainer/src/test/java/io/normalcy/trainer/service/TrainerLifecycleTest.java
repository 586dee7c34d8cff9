package io.normalcy.trainer.service;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The retrain consumer's group membership: static, so a restarted trainer does not wait out its old session. */
class TrainerLifecycleTest {

    @Test
    void retrainConsumerIsAStaticMemberWithAShortSession() {
        Map<String, Object> p = TrainerLifecycle.retrainConsumer(
                KafkaSettings.fromKafkaTree(Map.of("bootstrap.servers", "b:9092"), "normalcy-trainer-t1"), "t1");
        assertEquals("normalcy-trainer", p.get(ConsumerConfig.GROUP_ID_CONFIG));
        assertEquals("normalcy-trainer-t1", p.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals(10_000, p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertEquals(2_500, p.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
    }

    @Test
    void configuredSessionTimeoutWins() {
        Map<String, Object> p = TrainerLifecycle.retrainConsumer(KafkaSettings.fromKafkaTree(Map.of(
                "bootstrap.servers", "b:9092", "session.timeout.ms", "30000"), "x"), "t2");
        assertEquals("30000", p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertEquals("normalcy-trainer-t2", p.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    }
}
