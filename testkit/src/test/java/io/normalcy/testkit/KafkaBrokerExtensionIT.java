package io.normalcy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A per-class broker with non-default options: injection into lifecycle and test methods, options applied. */
class KafkaBrokerExtensionIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA =
            KafkaBrokerExtension.perClass(BrokerOptions.defaults().withNumPartitions(3).withAutoCreateTopics(true));

    private static KafkaBroker fromBeforeAll;

    @BeforeAll
    static void captureBroker(KafkaBroker broker) {
        fromBeforeAll = broker;
    }

    @Test
    void injectsTheSameBrokerEverywhere(KafkaBroker broker) {
        assertSame(fromBeforeAll, broker);
        assertSame(KAFKA.broker(), broker);
    }

    @Test
    void autoCreatedTopicGetsConfiguredPartitionCount(KafkaBroker broker) throws Exception {
        Map<String, Object> p = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("ext.auto", "k", "v")).get(30, TimeUnit.SECONDS);
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of("ext.auto")).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get("ext.auto").partitions().size();
            assertEquals(3, partitions);
        }
    }

    @Nested
    class NestedTests {
        @Test
        void nestedClassReusesTheEnclosingBroker(KafkaBroker broker) {
            assertSame(fromBeforeAll, broker);
        }
    }
}
