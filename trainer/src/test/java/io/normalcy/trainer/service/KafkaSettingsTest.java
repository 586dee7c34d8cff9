package io.normalcy.trainer.service;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KafkaSettingsTest {

    private static final Map<String, Object> TREE = Map.of(
            "bootstrap.servers", List.of("b1:9093", "b2:9093"),
            "security.protocol", "SASL_SSL",
            "sasl.jaas.config", "x required;",
            "ssl.truststore.location", "/etc/ts.p12",
            "security-protocol", "SASL_SSL",
            "consumers.default.max.poll.records", "5",
            "health.enabled", "false");

    @Test
    void securitySettingsReachEveryClient() {
        KafkaSettings s = KafkaSettings.fromKafkaTree(TREE, "t");
        for (Map<String, Object> client : List.of(s.admin(), s.consumer("c"), s.producer("p"))) {
            assertEquals("SASL_SSL", client.get("security.protocol"));
            assertEquals("x required;", client.get("sasl.jaas.config"));
            assertEquals("/etc/ts.p12", client.get("ssl.truststore.location"));
            assertEquals("b1:9093,b2:9093", client.get("bootstrap.servers"));
        }
        assertEquals("b1:9093,b2:9093", s.bootstrapServers());
    }

    @Test
    void micronautSubTreesAndKebabDuplicatesAreNotClientSettings() {
        Map<String, Object> consumer = KafkaSettings.fromKafkaTree(TREE, "t").consumer("c");
        assertFalse(consumer.containsKey("security-protocol"));
        assertFalse(consumer.keySet().stream().anyMatch(k -> k.startsWith("consumers.") || k.startsWith("health.")));
        assertEquals("read_committed", consumer.get("isolation.level"));
        assertTrue(consumer.get("client.id").toString().startsWith("t-"));
    }

    @Test
    void missingBootstrapIsAClearError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KafkaSettings.fromKafkaTree(Map.of("security.protocol", "SSL"), "t"));
        assertTrue(e.getMessage().contains("kafka.bootstrap.servers"), e.getMessage());
    }
}
