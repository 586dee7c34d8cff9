package io.normalcy.detector.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.config.RegistryConfiguration;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.detector.topology.DetectorTopology;
import io.normalcy.detector.topology.KnownTopics;
import io.normalcy.detector.topology.OutputSettings;
import io.normalcy.schemas.registry.SchemaRegistryClient;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the detector: settings (validated here, so a bad value stops start-up with the key in the message),
 * registries, metrics and the one {@link KafkaStreams} instance built from {@link DetectorTopology}. Our own
 * factory rather than micronaut-kafka-streams (not on the class path) so there is exactly one Streams instance
 * and its configuration is {@link KafkaProperties}'. Started and stopped by {@link StreamsLifecycle}.
 */
@Factory
public class DetectorFactory {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorFactory.class);
    /** More stream-thread failures than this within {@link #FAILURE_WINDOW} shut the client down (health DOWN). */
    static final int MAX_FAILURES = 10;
    static final Duration FAILURE_WINDOW = Duration.ofMinutes(1);

    @Singleton
    DetectorSettings detectorSettings(DetectorConfiguration config) {
        return config.detectorSettings();
    }

    @Singleton
    DetectorTopics detectorTopics(DetectorConfiguration config) {
        return config.detectorTopics();
    }

    @Singleton
    DetectorMetrics detectorMetrics(MeterRegistry registry) {
        return new DetectorMetrics(registry);
    }

    @Singleton
    ModelRegistry modelRegistry(DetectorMetrics metrics) {
        return new ModelRegistry(metrics);
    }

    @Singleton
    SubscriptionRegistry subscriptionRegistry() {
        return new SubscriptionRegistry();
    }

    /**
     * Every {@code kafka.*} property with the prefix removed. HYPHENATED, not RAW: RAW leaves out environment variables
     * ({@code KAFKA_SECURITY_PROTOCOL}); the kebab-case variants it adds are dropped by {@link KafkaProperties}.
     */
    @Singleton
    @Named("kafkaProperties")
    Map<String, Object> kafkaProperties(Environment env) {
        return env.getProperties("kafka", StringConvention.HYPHENATED);
    }

    /** Plain client settings for admin clients and producers of the service. */
    @Singleton
    @Named("kafkaClientProperties")
    Properties kafkaClientProperties(@Named("kafkaProperties") Map<String, Object> kafka) {
        return KafkaProperties.clients(kafka);
    }

    /**
     * The schema registry client, only when {@code normalcy.detector.registry.url} is set. A registry that refuses
     * this client (TLS trust, client certificate, credentials) stops start-up naming the keys
     * ({@link SchemaRegistryClient#checkAccess()}); one that is merely down is waited for when records need it.
     */
    @Singleton
    @Requires(property = RegistryConfiguration.PREFIX + ".url")
    SchemaRegistryClient schemaRegistryClient(RegistryConfiguration config) {
        SchemaRegistryClient client = new SchemaRegistryClient(config.settings());
        client.checkAccess();
        return client;
    }

    /**
     * The topology gets the per-record limit of the producers Streams will create (from the same effective config)
     * and the {@link KnownTopics}, so that it never forwards a record the producer would refuse.
     */
    @Singleton
    KafkaStreams kafkaStreams(DetectorConfiguration config, DetectorSettings settings, DetectorTopics topics,
                              ModelRegistry registry, SubscriptionRegistry subscriptions, DetectorMetrics metrics,
                              KnownTopics knownTopics, @Named("kafkaProperties") Map<String, Object> kafka,
                              @Nullable SchemaRegistryClient schemaRegistry, RegistryConfiguration registryConfig,
                              @Nullable RegistryHealthIndicator registryHealth) {
        Properties props = KafkaProperties.streams(config.applicationId(), config.membership(), kafka, metrics);
        StreamsConfig streamsConfig = new StreamsConfig(props);
        if (schemaRegistry != null) {
            checkMaxBlock(schemaRegistry, streamsConfig);
        }
        OutputSettings outputs = new OutputSettings(OutputSettings.maxRecordSize(streamsConfig), knownTopics);
        StreamsBuilder builder = new StreamsBuilder();
        DetectorTopology.build(builder, topics, registry, subscriptions, settings, metrics, outputs, schemaRegistry);
        Topology topology = builder.build(props);
        LOG.debug("Detector topology:\n{}", topology.describe());
        KafkaStreams streams = new KafkaStreams(topology, streamsConfig);
        Deque<Long> failures = new ArrayDeque<>();
        String instanceId = config.membership().instanceId();
        RegistryOutage outage = schemaRegistry == null ? null
                : new RegistryOutage(streams, schemaRegistry, registryConfig.probeInterval(), metrics, registryHealth);
        streams.setUncaughtExceptionHandler(e -> {
            if (outage != null && outage.onFailure(e)) {
                return StreamThreadExceptionResponse.REPLACE_THREAD; // paused until the registry is back; not a failure
            }
            if (fencedInstance(e)) {
                LOG.error("Another detector joined group {} with this instance's normalcy.detector.instance-id '{}' "
                        + "and took over its partitions: shutting this client down (health DOWN). Every running "
                        + "instance needs its own id.", config.applicationId(), instanceId, e);
                metrics.productionError(e.getClass().getSimpleName(), "instance-fenced");
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            long now = System.currentTimeMillis();
            synchronized (failures) {
                failures.addLast(now);
                while (!failures.isEmpty() && failures.peekFirst() < now - FAILURE_WINDOW.toMillis()) {
                    failures.removeFirst();
                }
                metrics.productionError(e.getClass().getSimpleName(), "thread-failed");
                if (failures.size() > MAX_FAILURES) {
                    LOG.error("Stream thread failed {} times within {}: shutting the client down", failures.size(),
                            FAILURE_WINDOW, e);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
            }
            LOG.error("Stream thread failed; replacing it (exactly-once: its transaction was aborted)", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        return streams;
    }

    /**
     * A registry lookup blocks the stream thread inside an open transaction: it must give up well before the
     * transaction times out, or the outage would turn into a fenced producer instead of a clean pause.
     */
    private static void checkMaxBlock(SchemaRegistryClient client, StreamsConfig streamsConfig) {
        Object timeout = streamsConfig.getProducerConfigs("check").get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG);
        long maxBlock = client.settings().maxBlock().toMillis();
        if (timeout != null && maxBlock * 2 > Long.parseLong(timeout.toString())) {
            throw new IllegalArgumentException(RegistryConfiguration.PREFIX + ".max-block (" + maxBlock
                    + " ms) must be at most half of the Streams producer's transaction.timeout.ms (" + timeout + " ms)");
        }
    }

    /**
     * Whether {@code e} (or a cause) says that another member joined the group with this instance's static id:
     * replacing the thread would only fence that other instance in turn, back and forth.
     */
    static boolean fencedInstance(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }
}
