package io.normalcy.detector.runtime;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.topics.TopicAdmin;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the detector's single {@link KafkaStreams} instance when the application context starts (after
 * provisioning the topics) and closes it with a bounded wait when the context stops, so SIGTERM leads to a clean
 * hand-over (committed transaction; partitions released unless normalcy.detector.leave-group-on-close=false keeps
 * them for this instance's restart) instead of a fenced zombie. Binds the client's own metrics (Kafka Streams
 * thread and task rates, commit latency, rebalances, and those of its embedded consumers and producers: records lag
 * per partition, fetch and send rates) to the service's meter registry through Micrometer's
 * {@link KafkaStreamsMetrics}, so {@code /prometheus} shows consumer lag and throughput next to our own counters.
 */
@Context
@Requires(property = StreamsLifecycle.AUTOSTART, notEquals = "false")
public final class StreamsLifecycle {
    /** Set to false to run the service without Kafka Streams (configuration checks, API-only tests). */
    public static final String AUTOSTART = "normalcy.detector.streams.autostart";

    private static final Logger LOG = LoggerFactory.getLogger(StreamsLifecycle.class);

    private final KafkaStreams streams;
    private final Duration shutdownTimeout;
    private final boolean leaveGroup;
    private final KafkaStreamsMetrics streamsMetrics;

    StreamsLifecycle(KafkaStreams streams, DetectorConfiguration config, DetectorMetrics metrics,
                     @Named("kafkaClientProperties") Properties clientProps) {
        this.streams = streams;
        this.shutdownTimeout = config.shutdownTimeout();
        this.leaveGroup = config.membership().leaveGroupOnClose();
        if (config.ensureTopics()) {
            TopicAdmin.Report report = DetectorTopicsProvisioner.ensure(clientProps, config.detectorTopics(),
                    config.topicPartitions(), (short) config.replicationFactor());
            LOG.info("Topics created: {}, existing: {}", report.created(), report.existing());
        }
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(metrics.registry());
        streams.start();
        LOG.info("Kafka Streams started (application.id {})", config.applicationId());
    }

    @PreDestroy
    void stop() {
        LOG.info("Closing Kafka Streams (waiting up to {})", shutdownTimeout);
        boolean closed = streams.close(new KafkaStreams.CloseOptions().timeout(shutdownTimeout).leaveGroup(leaveGroup));
        if (!closed) {
            LOG.warn("Kafka Streams did not close within {}", shutdownTimeout);
        }
        streamsMetrics.close();
    }
}
