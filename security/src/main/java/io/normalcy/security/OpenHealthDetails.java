package io.normalcy.security;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.management.endpoint.health.DetailsVisibility;
import io.micronaut.management.endpoint.health.HealthEndpoint;
import jakarta.inject.Singleton;

/**
 * {@code /health} shows its details (Kafka Streams state, model versions, busy models) to authenticated callers
 * ({@code endpoints.health.details-visible: AUTHENTICATED}); anonymous callers, load balancers and probes get the
 * status only. Running open ({@code normalcy.security.enabled=false}) nobody is authenticated, so the details are
 * shown to everyone, as before authentication existed.
 */
@Singleton
final class OpenHealthDetails implements BeanCreatedEventListener<HealthEndpoint> {
    private final SecuritySettings settings;

    OpenHealthDetails(SecuritySettings settings) {
        this.settings = settings;
    }

    @Override
    public HealthEndpoint onCreated(BeanCreatedEvent<HealthEndpoint> event) {
        HealthEndpoint endpoint = event.getBean();
        if (!settings.enabled()) {
            endpoint.setDetailsVisible(DetailsVisibility.ANONYMOUS);
        }
        return endpoint;
    }
}
