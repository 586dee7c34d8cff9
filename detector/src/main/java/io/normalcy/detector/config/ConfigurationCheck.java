package io.normalcy.detector.config;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.normalcy.detector.model.ModelSignatureVerifier;

import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Eagerly builds the topology settings from {@link DetectorConfiguration} at start-up, so an invalid or
 * inconsistent value stops the application immediately with a message naming the key (rather than when Kafka
 * Streams is first used), and logs the effective configuration. It also catches values Micronaut cannot convert
 * (e.g. {@code cool-down=soon}): binding silently falls back to the default for those, which would hide a typo.
 */
@Context
public final class ConfigurationCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationCheck.class);
    private static final String P = "normalcy.detector.";
    private static final Map<String, Class<?>> TYPED_KEYS = Map.ofEntries(
            Map.entry("cool-down", Duration.class), Map.entry("shutdown-timeout", Duration.class),
            Map.entry("drift.rate-limit", Duration.class), Map.entry("top-features", Integer.class),
            Map.entry("expected-range-mass", Double.class),
            Map.entry("topic-partitions", Integer.class), Map.entry("replication-factor", Integer.class),
            Map.entry("drift.window-size", Integer.class), Map.entry("drift.min-records", Integer.class),
            Map.entry("drift.rate-factor", Double.class), Map.entry("drift.mean-shift", Double.class),
            Map.entry("scores-enabled", Boolean.class), Map.entry("ensure-topics", Boolean.class),
            Map.entry("drift.enabled", Boolean.class), Map.entry("session-timeout", Duration.class),
            Map.entry("leave-group-on-close", Boolean.class), Map.entry("registry.connect-timeout", Duration.class),
            Map.entry("registry.request-timeout", Duration.class), Map.entry("registry.max-block", Duration.class),
            Map.entry("registry.retry-backoff", Duration.class), Map.entry("registry.probe-interval", Duration.class),
            Map.entry("registry.cache-size", Integer.class),
            Map.entry("output.max-carried-header-bytes", Integer.class),
            Map.entry("history.max-events-per-entity", Integer.class),
            Map.entry("history.max-bytes-per-entity", Integer.class));

    ConfigurationCheck(DetectorConfiguration config, RegistryConfiguration registry, Environment env) {
        TYPED_KEYS.forEach((key, type) -> {
            String raw = env.getProperty(P + key, String.class).orElse(null);
            if (raw != null && env.getProperty(P + key, type).isEmpty()) {
                throw new IllegalArgumentException(P + key + ": cannot convert '" + raw + "' to "
                        + type.getSimpleName() + (type == Duration.class ? " (e.g. 30s, 5m, 1h)" : ""));
            }
        });
        DetectorTopics topics = config.detectorTopics();
        DetectorSettings settings = config.detectorSettings();
        new ModelSignatureVerifier(settings.signing()); // parses the configured key
        if (registry.enabled()) {
            LOG.info("Detector {}: schema registry {}", config.applicationId(), registry.settings());
        }
        GroupMembership membership = config.membership();
        LOG.info("Detector {}: {} membership{}, session timeout {}, {}", config.applicationId(),
                membership.isStatic() ? "static" : "dynamic",
                membership.isStatic() ? " (instance id " + membership.instanceId() + ")" : " (no instance id)",
                membership.sessionTimeout(), membership.leaveGroupOnClose() ? "leaves the group on shutdown"
                        : "keeps its membership on shutdown");
        settings.mappings().values().forEach(m -> LOG.info(
                "Detector {}: topic {} mapped by {}.{} to model {}, features {}", config.applicationId(), m.topic(),
                DetectorConfiguration.MAPPINGS, m.name(),
                m.model() != null ? m.model() : "at " + m.modelPath(), m.features().keySet()));
        LOG.info("Detector {}: inputs {}, scores {}, cool-down {}, drift {}, signing {}, scoring kernel {}",
                config.applicationId(), topics.inputs(), settings.scoresEnabled() ? topics.scores() : "off",
                settings.coolDown(), settings.drift(), settings.signing(), settings.scoringKernel());
        LOG.info("Detector {}: contributions on {} scores, headers carried to outputs {} (up to {} bytes each)",
                config.applicationId(), settings.output().contributions().name().toLowerCase(java.util.Locale.ROOT),
                settings.output().carriedHeaders(), settings.output().maxCarriedHeaderBytes());
    }
}
