package io.normalcy.detector.runtime;

import io.normalcy.detector.config.GroupMembership;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.kafka.KafkaClientSettings;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Assembles the Kafka Streams configuration, in increasing precedence:
 * <ol>
 *   <li>detector defaults: {@code application.id} (normalcy.detector.application-id),
 *   {@code processing.guarantee=exactly_once_v2}, {@code num.stream.threads=1},
 *   {@code default.production.exception.handler} = {@link DetectorProductionExceptionHandler}, a
 *   {@code state.dir} under java.io.tmpdir; the group membership of {@link GroupMembership}:
 *   {@code group.instance.id} (static membership, when an instance id is set), {@code session.timeout.ms},
 *   {@code heartbeat.interval.ms};</li>
 *   <li>every {@code kafka.*} property (the Micronaut Kafka convention), minus the {@code kafka.} prefix and
 *   minus Micronaut's own sub-trees ({@code streams.*}, {@code consumers.*}, {@code producers.*},
 *   {@code health.*}, {@code embedded.*}, {@code enabled}): bootstrap servers, {@code security.protocol},
 *   {@code sasl.*}, {@code ssl.*}... reach the Streams app, its embedded clients and the admin client verbatim
 *   (environment: {@code KAFKA_SECURITY_PROTOCOL=SASL_SSL});</li>
 *   <li>{@code kafka.streams.detector.*}: Streams-only overrides, e.g.
 *   {@code kafka.streams.detector.num.stream.threads=2} or {@code ...processing.guarantee=at_least_once}.</li>
 * </ol>
 */
public final class KafkaProperties {
    /** Key under which the {@link DetectorMetrics} instance is handed to the exception handler. */
    public static final String METRICS_CONFIG = "normalcy.detector.metrics";
    static final String STREAMS_PREFIX = "streams.detector.";

    private KafkaProperties() {
    }

    /** {@link #streams(String, GroupMembership, Map, DetectorMetrics)} with {@link GroupMembership#defaults()}. */
    public static Properties streams(String applicationId, Map<String, Object> kafka, DetectorMetrics metrics) {
        return streams(applicationId, GroupMembership.defaults(), kafka, metrics);
    }

    /** @param kafka every {@code kafka.*} property with the prefix removed (raw keys) */
    public static Properties streams(String applicationId, GroupMembership membership, Map<String, Object> kafka,
                                     DetectorMetrics metrics) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.DEFAULT_PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DetectorProductionExceptionHandler.class.getName());
        p.put(StreamsConfig.STATE_DIR_CONFIG,
                Path.of(System.getProperty("java.io.tmpdir"), "normalcy-detector").toString());
        if (membership.isStatic()) {
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, membership.instanceId());
        }
        p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) membership.sessionTimeout().toMillis());
        p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) membership.heartbeatInterval().toMillis());
        p.putAll(clients(kafka));
        kafka.forEach((k, v) -> {
            // no '-': Kafka config names never have one; such keys are kebab variants of environment variables
            if (k.startsWith(STREAMS_PREFIX) && k.indexOf('-') < 0 && v != null) {
                p.put(k.substring(STREAMS_PREFIX.length()), String.valueOf(v));
            }
        });
        p.put(METRICS_CONFIG, metrics);
        return p;
    }

    /** Plain client settings (admin client, producers of the service): see {@link KafkaClientSettings}. */
    public static Properties clients(Map<String, Object> kafka) {
        Properties p = new Properties();
        p.putAll(KafkaClientSettings.fromKafkaTree(kafka));
        return p;
    }
}
