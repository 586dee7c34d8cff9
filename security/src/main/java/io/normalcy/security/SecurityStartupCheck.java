package io.normalcy.security;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Order;
import io.micronaut.core.order.Ordered;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates the HTTP security configuration when the service starts ({@link Context}: before it accepts a
 * request), so that a missing credential or a bad key stops start-up with the key named, and logs what protects
 * the API: INFO with the credential sources, or a WARN when {@code normalcy.security.enabled=false} runs it open.
 * First of the eager beans ({@link Order}), so that a refused start-up has not yet started consumers, threads or
 * connections that would outlive it. Not in the {@code cli} environment (the trainer's command line has no HTTP API).
 */
@Context
@Order(Ordered.HIGHEST_PRECEDENCE)
@Requires(notEnv = Environment.CLI)
public final class SecurityStartupCheck {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityStartupCheck.class);

    private final SecuritySettings settings;

    SecurityStartupCheck(SecuritySettings settings) {
        this.settings = settings;
        if (settings.enabled()) {
            LOG.info("HTTP {}", settings.describe());
        } else {
            LOG.warn("HTTP {}. Anyone who can reach this port can read alerts and models and change "
                    + "subscriptions and retrains; configure API keys or JWTs instead (README, Security)",
                    settings.describe());
        }
    }

    /** Whether the service runs without authentication. */
    public boolean open() {
        return !settings.enabled();
    }

    public SecuritySettings settings() {
        return settings;
    }
}
