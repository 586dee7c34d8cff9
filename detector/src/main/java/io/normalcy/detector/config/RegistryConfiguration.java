package io.normalcy.detector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.normalcy.schemas.registry.RegistrySettings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Schema registry for input records in the Confluent wire format, bound from {@code normalcy.detector.registry.*}
 * (e.g. {@code NORMALCY_DETECTOR_REGISTRY_URL}). Off while {@code url} is unset: framed records are then dead-lettered
 * as undecodable with a message naming the key. Validated at start-up ({@link ConfigurationCheck}); see
 * {@link RegistrySettings} for the meaning of each value.
 *
 * @param probeInterval how often a paused detector asks the registry whether it is back
 */
@ConfigurationProperties("normalcy.detector.registry")
public record RegistryConfiguration(
        @Nullable String url,
        @Nullable String username,
        @Nullable String password,
        @Nullable String bearerToken,
        @Nullable String truststore,
        @Nullable String truststorePassword,
        @Bindable(defaultValue = "PKCS12") String truststoreType,
        @Nullable String keystore,
        @Nullable String keystorePassword,
        @Bindable(defaultValue = "PKCS12") String keystoreType,
        @Bindable(defaultValue = "5s") Duration connectTimeout,
        @Bindable(defaultValue = "5s") Duration requestTimeout,
        @Bindable(defaultValue = "1000") int cacheSize,
        @Bindable(defaultValue = "5s") Duration maxBlock,
        @Bindable(defaultValue = "100ms") Duration retryBackoff,
        @Bindable(defaultValue = "2s") Duration probeInterval) {

    public static final String PREFIX = "normalcy.detector.registry";

    /** Whether a registry is configured. */
    public boolean enabled() {
        return url != null && !url.isBlank();
    }

    /** Validated client settings; IllegalArgumentException naming the key on a bad value. */
    public RegistrySettings settings() {
        if (probeInterval == null || probeInterval.isZero() || probeInterval.isNegative()) {
            throw new IllegalArgumentException(PREFIX + ".probe-interval must be > 0, got " + probeInterval);
        }
        return new RegistrySettings(PREFIX, RegistrySettings.parseUrl(PREFIX, url), username, password, bearerToken,
                truststore == null || truststore.isBlank() ? null : Path.of(truststore), truststorePassword,
                truststoreType, keystore == null || keystore.isBlank() ? null : Path.of(keystore), keystorePassword,
                keystoreType, connectTimeout, requestTimeout, cacheSize, maxBlock, retryBackoff);
    }
}
