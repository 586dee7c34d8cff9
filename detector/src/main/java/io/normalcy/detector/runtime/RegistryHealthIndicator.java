package io.normalcy.detector.runtime;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.normalcy.detector.config.RegistryConfiguration;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code /health} contribution "schemaRegistry" (only with {@code normalcy.detector.registry.url}): DOWN while the
 * detector is paused because the registry could not answer ({@link RegistryOutage}), with the reason — which names
 * the trust store, key store or credential keys when the registry refused the TLS handshake or the credentials.
 * Why: a paused Kafka Streams client stays RUNNING, so the "detector" contribution alone would report UP for a
 * detector that scores nothing; an operator must see it, and a registry refusing a rotated certificate or password
 * will not heal by waiting.
 */
@Singleton
@Requires(property = RegistryConfiguration.PREFIX + ".url")
public final class RegistryHealthIndicator implements HealthIndicator {
    private final SchemaRegistryClient client;
    private volatile String pausedFor;

    RegistryHealthIndicator(SchemaRegistryClient client) {
        this.client = client;
    }

    void paused(String reason) {
        pausedFor = reason;
    }

    void resumed() {
        pausedFor = null;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        String reason = pausedFor;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("url", client.settings().url().toString());
        details.put("paused", reason != null);
        if (reason != null) {
            details.put("reason", reason);
        }
        return Publishers.just(HealthResult.builder("schemaRegistry", reason == null ? HealthStatus.UP
                : HealthStatus.DOWN).details(details).build());
    }
}
