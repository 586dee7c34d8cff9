package io.normalcy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class KafkaBrokersTest {

    @Test
    void modeDefaultsToEmbeddedAndIgnoresCase() {
        assertEquals(KafkaBrokers.Mode.EMBEDDED, KafkaBrokers.mode(null));
        assertEquals(KafkaBrokers.Mode.EMBEDDED, KafkaBrokers.mode("  "));
        assertEquals(KafkaBrokers.Mode.EMBEDDED, KafkaBrokers.mode("Embedded"));
        assertEquals(KafkaBrokers.Mode.TESTCONTAINERS, KafkaBrokers.mode(" testcontainers "));
    }

    @Test
    void unknownModeNamesThePropertyAndChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KafkaBrokers.mode("docker"));
        assertTrue(e.getMessage().contains("normalcy.kafka"), e.getMessage());
        assertTrue(e.getMessage().contains("'docker'"), e.getMessage());
        assertTrue(e.getMessage().contains("testcontainers"), e.getMessage());
    }

    @Test
    void optionsRejectBadValuesNamingTheField() {
        BrokerOptions d = BrokerOptions.defaults();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withNumPartitions(0))
                .getMessage().contains("numPartitions"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> d.withMessageMaxBytes(10))
                .getMessage().contains("messageMaxBytes"));
        assertThrows(IllegalArgumentException.class, () -> d.withProperty(" ", "x"));
    }

    @Test
    void embeddedServerPropertiesCarryOptionsAndSingleNodeTransactionSettings() {
        BrokerOptions o = BrokerOptions.defaults().withNumPartitions(4).withAutoCreateTopics(true)
                .withMessageMaxBytes(2048).withProperty("log.retention.ms", "1000").withProperty("num.io.threads", "3");
        Properties p = EmbeddedKafkaBroker.serverProperties(o, Path.of("/tmp/x"), 1111, 2222);
        assertEquals("4", p.get("num.partitions"));
        assertEquals("true", p.get("auto.create.topics.enable"));
        assertEquals("2048", p.get("message.max.bytes"));
        assertEquals("1000", p.get("log.retention.ms"));
        assertEquals("3", p.get("num.io.threads"), "extra properties override built-in defaults");
        assertEquals("1", p.get("transaction.state.log.replication.factor"));
        assertEquals("1", p.get("transaction.state.log.min.isr"));
        assertEquals("1", p.get("offsets.topic.replication.factor"));
        assertEquals("0", p.get("group.initial.rebalance.delay.ms"));
        assertEquals("1@127.0.0.1:2222", p.get("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:1111", p.get("advertised.listeners"));
    }

    @Test
    void defaultsAreStrictAboutTopicsAndRoomyForModels() {
        BrokerOptions d = BrokerOptions.defaults();
        assertEquals(false, d.autoCreateTopics());
        assertEquals(16 * 1024 * 1024, d.messageMaxBytes());
        assertEquals(Map.of(), d.extraProperties());
    }

    @Test
    void containerEnvironmentNamesFollowTheImageConvention() {
        assertEquals("KAFKA_MESSAGE_MAX_BYTES", TestcontainersKafkaBroker.envName("message.max.bytes"));
        assertEquals("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR",
                TestcontainersKafkaBroker.envName("transaction.state.log.min.isr"));
    }
}
