package io.normalcy.schemas.kafka;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KafkaClientSettingsTest {

    @Test
    void keepsClientSettingsAndDropsMicronautKeys() {
        Map<String, Object> tree = new java.util.HashMap<>();
        tree.put("bootstrap.servers", List.of("a:9092", "b:9092"));
        tree.put("security.protocol", "SASL_SSL");
        tree.put("sasl.jaas.config", "x required;");
        tree.put("security-protocol", "SASL_SSL");
        tree.put("streams.detector.num.stream.threads", "2");
        tree.put("consumers.default.max.poll.records", "5");
        tree.put("producers.default.acks", "1");
        tree.put("health.enabled", "false");
        tree.put("embedded.enabled", "false");
        tree.put("enabled", "true");
        tree.put("ssl.truststore.location", null);
        assertEquals(Map.of("bootstrap.servers", "a:9092,b:9092", "security.protocol", "SASL_SSL",
                "sasl.jaas.config", "x required;"), KafkaClientSettings.fromKafkaTree(tree));
    }
}
