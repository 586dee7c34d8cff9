package io.normalcy.detector.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.config.GroupMembership;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.testkit.EnvironmentVariables;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

class KafkaPropertiesTest {

    @Test
    void clientSettingsPassThroughAndStreamsOverridesWin() {
        DetectorMetrics metrics = DetectorMetrics.inMemory();
        Properties p = KafkaProperties.streams("app", Map.of(
                "bootstrap.servers", "b:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/tls/ts.jks",
                "streams.detector.processing.guarantee", "at_least_once",
                "streams.detector.num.stream.threads", "2",
                "health.enabled", "false",
                "consumers.x.group.id", "g",
                "security-protocol", "SASL_SSL"), metrics);
        assertEquals("app", p.get(StreamsConfig.APPLICATION_ID_CONFIG));
        assertEquals("b:9093", p.get("bootstrap.servers"));
        assertEquals("SASL_SSL", p.get("security.protocol"));
        assertEquals("SCRAM-SHA-512", p.get("sasl.mechanism"));
        assertEquals("/tls/ts.jks", p.get("ssl.truststore.location"));
        assertEquals("at_least_once", p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        assertEquals("2", p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
        assertFalse(p.containsKey("health.enabled"));
        assertFalse(p.containsKey("consumers.x.group.id"));
        assertFalse(p.containsKey("security-protocol"));
        assertSame(metrics, p.get(KafkaProperties.METRICS_CONFIG));
        assertEquals(DetectorProductionExceptionHandler.class.getName(),
                p.get(StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG));
    }

    @Test
    void exactlyOnceByDefault() {
        Properties p = KafkaProperties.streams("app", Map.of("bootstrap.servers", "b:1"), DetectorMetrics.inMemory());
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    }

    @Test
    void micronautKafkaPropertiesReachTheStreamsConfig() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "normalcy.detector.streams.autostart", "false",
                "kafka.bootstrap.servers", "broker:9092",
                "kafka.security.protocol", "SSL",
                "kafka.streams.detector.commit.interval.ms", "250"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> kafka = ctx.getBean(Map.class, Qualifiers.byName("kafkaProperties"));
            Properties p = KafkaProperties.streams("app", kafka, DetectorMetrics.inMemory());
            assertEquals("broker:9092", p.get("bootstrap.servers"));
            assertEquals("SSL", p.get("security.protocol"));
            assertEquals("250", p.get("commit.interval.ms"));
        }
    }

    @Test
    void environmentVariablesReachTheStreamsConfig() {
        // the test environment named explicitly: its application-test.yml holds the test API keys
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).environments("test")
                .properties(Map.of("normalcy.detector.streams.autostart", "false"))
                .propertySources(EnvironmentVariables.of("test-env", Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", "broker:9093",
                        "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                        "KAFKA_SASL_JAAS_CONFIG", "m required u=\"x\";",
                        "KAFKA_SSL_TRUSTSTORE_LOCATION", "/tls/ts.p12",
                        "KAFKA_STREAMS_DETECTOR_NUM_STREAM_THREADS", "3")))
                .start()) {
            @SuppressWarnings("unchecked")
            Map<String, Object> kafka = ctx.getBean(Map.class, Qualifiers.byName("kafkaProperties"));
            Properties p = KafkaProperties.streams("app", kafka, DetectorMetrics.inMemory());
            assertEquals("broker:9093", p.get("bootstrap.servers"));
            assertEquals("SASL_SSL", p.get("security.protocol"));
            assertEquals("m required u=\"x\";", p.get("sasl.jaas.config"));
            assertEquals("/tls/ts.p12", p.get("ssl.truststore.location"));
            assertEquals("3", p.get(StreamsConfig.NUM_STREAM_THREADS_CONFIG));
            assertFalse(p.keySet().stream().anyMatch(k -> k.toString().indexOf('-') >= 0), "kebab variants: " + p);
            Properties clients = KafkaProperties.clients(kafka);
            assertEquals("SASL_SSL", clients.get("security.protocol"));
            assertEquals("/tls/ts.p12", clients.get("ssl.truststore.location"));
        }
    }

    @Test
    void staticMembershipAndATenSecondSessionByDefault() {
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).environments("test")
                .properties(Map.of("normalcy.detector.streams.autostart", "false"))
                .propertySources(EnvironmentVariables.of("test-env", Map.of("HOSTNAME", "detector-7f9c")))
                .start()) {
            DetectorConfiguration c = ctx.getBean(DetectorConfiguration.class);
            Properties p = KafkaProperties.streams("app", c.membership(), Map.of("bootstrap.servers", "b:1"),
                    DetectorMetrics.inMemory());
            assertEquals("detector-7f9c", p.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "instance id from HOSTNAME");
            assertEquals(10_000, p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
            assertEquals(3_000, p.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
            assertTrue(c.membership().leaveGroupOnClose());
        }
    }

    @Test
    void configuredMembershipReachesTheStreamsConfig() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(
                "normalcy.detector.streams.autostart", "false",
                "normalcy.detector.instance-id", "detector-0",
                "normalcy.detector.session-timeout", "6s",
                "normalcy.detector.leave-group-on-close", "false"))) {
            GroupMembership m = ctx.getBean(DetectorConfiguration.class).membership();
            Properties p = KafkaProperties.streams("app", m, Map.of("bootstrap.servers", "b:1"), DetectorMetrics.inMemory());
            assertEquals("detector-0", p.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
            assertEquals(6_000, p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
            assertEquals(2_000, p.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
            assertFalse(m.leaveGroupOnClose());
        }
    }

    @Test
    void withoutAnInstanceIdMembershipIsDynamicAndStreamsOverridesStillWin() {
        Properties p = KafkaProperties.streams("app", new GroupMembership(" ", Duration.ofSeconds(30), true),
                Map.of("bootstrap.servers", "b:1", "streams.detector.session.timeout.ms", "45000"),
                DetectorMetrics.inMemory());
        assertFalse(p.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        assertEquals("45000", p.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG));
        assertEquals(3_000, p.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG));
    }

    @Test
    void aFencedInstanceIdIsRecognisedThroughWrappers() {
        assertTrue(DetectorFactory.fencedInstance(new StreamsException(new FencedInstanceIdException("fenced"))));
        assertFalse(DetectorFactory.fencedInstance(new StreamsException(new IllegalStateException("other"))));
    }
}
