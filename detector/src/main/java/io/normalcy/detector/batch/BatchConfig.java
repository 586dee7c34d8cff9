package io.normalcy.detector.batch;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.naming.conventions.StringConvention;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.config.RegistryConfiguration;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.runtime.KafkaProperties;
import io.normalcy.detector.runtime.StreamsLifecycle;
import io.normalcy.detector.topology.OutputSettings;
import io.normalcy.schemas.registry.SchemaRegistryClient;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The detector's configuration for a command-line run, read exactly as the service reads it (application.yml,
 * {@code MICRONAUT_CONFIG_FILES}, system properties, environment variables, plus the command's own
 * {@code --property key=value}), so a re-score uses the service's topics, signing keys, mappings and input formats.
 * The application context is only started to bind and validate the configuration (Kafka Streams, webhook delivery
 * and the alert stream are switched off) and closed before any record is read.
 *
 * @param settings      topology settings ({@code normalcy.detector.*})
 * @param topics        topic names
 * @param clientProps   plain Kafka client settings (every {@code kafka.*} property: bootstrap, security...)
 * @param outputs       the per-record limit of the service's producers
 * @param registry      schema registry client, or null when {@code normalcy.detector.registry.url} is not set
 */
public record BatchConfig(DetectorSettings settings, DetectorTopics topics, Properties clientProps,
                          OutputSettings outputs, SchemaRegistryClient registry) {

    /** Reads the configuration; throws (naming the key) on a bad value, as the service's start-up does. */
    public static BatchConfig load(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(overrides);
        props.put(StreamsLifecycle.AUTOSTART, "false");
        props.put("normalcy.detector.delivery.enabled", "false");
        props.put("normalcy.detector.delivery.stream-enabled", "false");
        try (ApplicationContext ctx = start(props)) {
            DetectorConfiguration config = ctx.getBean(DetectorConfiguration.class);
            Map<String, Object> kafka = ctx.getEnvironment().getProperties("kafka", StringConvention.HYPHENATED);
            StreamsConfig streams = new StreamsConfig(KafkaProperties.streams(config.applicationId(),
                    config.membership(), kafka, DetectorMetrics.inMemory()));
            OutputSettings outputs = new OutputSettings(OutputSettings.maxRecordSize(streams),
                    io.normalcy.detector.topology.KnownTopics.all());
            SchemaRegistryClient registry = ctx.getProperty(RegistryConfiguration.PREFIX + ".url", String.class)
                    .isPresent() ? new SchemaRegistryClient(ctx.getBean(RegistryConfiguration.class).settings())
                    : null;
            return new BatchConfig(config.detectorSettings(), config.detectorTopics(),
                    KafkaProperties.clients(kafka), outputs, registry);
        }
    }

    /**
     * The started context; a configuration the service would refuse is an IllegalArgumentException carrying the
     * innermost message (the one naming the key), not the bean-creation wrapper around it.
     */
    private static ApplicationContext start(Map<String, Object> props) {
        try {
            return ApplicationContext.builder().properties(props).start();
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new IllegalArgumentException("configuration: " + root.getMessage(), e);
        }
    }
}
