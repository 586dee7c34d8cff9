package io.normalcy.trainer.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.normalcy.schemas.registry.RegistrySettings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Schema registry the history reader decodes Confluent-framed feature vectors with, bound from
 * {@code normalcy.trainer.registry.*} (same keys as the detector's {@code normalcy.detector.registry.*}). Off while
 * {@code url} is unset. {@code max-block} defaults to 30 s here (the detector's 5 s is bounded by its Streams
 * transaction; a history read has no such limit): a registry still down after it fails the training run with a
 * message saying so instead of training on the records it could decode.
 */
@ConfigurationProperties("normalcy.trainer.registry")
public class RegistryConfig {
    public static final String PREFIX = "normalcy.trainer.registry";

    private String url;
    private String username;
    private String password;
    private String bearerToken;
    private String truststore;
    private String truststorePassword;
    private String truststoreType = "PKCS12";
    private String keystore;
    private String keystorePassword;
    private String keystoreType = "PKCS12";
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(5);
    private int cacheSize = 1000;
    private Duration maxBlock = Duration.ofSeconds(30);
    private Duration retryBackoff = Duration.ofMillis(100);

    /** Whether a registry is configured. */
    public boolean enabled() {
        return url != null && !url.isBlank();
    }

    /** Validated client settings; IllegalArgumentException naming the key on a bad value. */
    public RegistrySettings settings() {
        return new RegistrySettings(PREFIX, RegistrySettings.parseUrl(PREFIX, url), username, password, bearerToken,
                truststore == null || truststore.isBlank() ? null : Path.of(truststore), truststorePassword,
                truststoreType, keystore == null || keystore.isBlank() ? null : Path.of(keystore), keystorePassword,
                keystoreType, connectTimeout, requestTimeout, cacheSize, maxBlock, retryBackoff);
    }

    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getUsername() { return username; }
    public void setUsername(String username) { this.username = username; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getBearerToken() { return bearerToken; }
    public void setBearerToken(String bearerToken) { this.bearerToken = bearerToken; }
    public String getTruststore() { return truststore; }
    public void setTruststore(String truststore) { this.truststore = truststore; }
    public String getTruststorePassword() { return truststorePassword; }
    public void setTruststorePassword(String p) { this.truststorePassword = p; }
    public String getTruststoreType() { return truststoreType; }
    public void setTruststoreType(String truststoreType) { this.truststoreType = truststoreType; }
    public String getKeystore() { return keystore; }
    public void setKeystore(String keystore) { this.keystore = keystore; }
    public String getKeystorePassword() { return keystorePassword; }
    public void setKeystorePassword(String p) { this.keystorePassword = p; }
    public String getKeystoreType() { return keystoreType; }
    public void setKeystoreType(String keystoreType) { this.keystoreType = keystoreType; }
    public Duration getConnectTimeout() { return connectTimeout; }
    public void setConnectTimeout(Duration d) { this.connectTimeout = d; }
    public Duration getRequestTimeout() { return requestTimeout; }
    public void setRequestTimeout(Duration d) { this.requestTimeout = d; }
    public int getCacheSize() { return cacheSize; }
    public void setCacheSize(int cacheSize) { this.cacheSize = cacheSize; }
    public Duration getMaxBlock() { return maxBlock; }
    public void setMaxBlock(Duration maxBlock) { this.maxBlock = maxBlock; }
    public Duration getRetryBackoff() { return retryBackoff; }
    public void setRetryBackoff(Duration retryBackoff) { this.retryBackoff = retryBackoff; }
}
