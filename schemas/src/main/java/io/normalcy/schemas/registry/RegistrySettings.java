package io.normalcy.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Where and how to reach a schema registry with the Confluent-compatible REST API (Confluent Schema Registry,
 * Apicurio Registry's {@code /apis/ccompat/v7}, Karapace). Validated on construction: every message names the full
 * configuration key ({@code keyPrefix} + the property), because a service must refuse to start on a bad value rather
 * than dead-letter every framed record later.
 *
 * @param keyPrefix          configuration prefix the values came from, e.g. {@code normalcy.detector.registry}
 * @param url                base URL, e.g. {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}
 * @param username           HTTP basic auth user (with {@code password}), or null
 * @param password           HTTP basic auth password, or null
 * @param bearerToken        {@code Authorization: Bearer} token (exclusive with basic auth), or null
 * @param truststore         trust store file for an https registry with a private CA, or null for the JVM's default
 * @param truststorePassword its password, or null
 * @param truststoreType     {@code PKCS12} (default) or {@code JKS}
 * @param keystore           key store with this client's certificate and key, for a registry that requires mutual
 *                           TLS (client certificates), or null
 * @param keystorePassword   its password (also the key's password), or null
 * @param keystoreType       {@code PKCS12} (default) or {@code JKS}
 * @param connectTimeout     TCP/TLS connect timeout
 * @param requestTimeout     timeout of one HTTP request
 * @param cacheSize          how many schemas (by id) are kept; ids are immutable, so entries never expire
 * @param maxBlock           how long one lookup retries an unreachable registry before reporting it unavailable
 *                           (the detector keeps it below the Streams transaction timeout)
 * @param retryBackoff       first pause between retries (doubles, capped at 1 s)
 */
public record RegistrySettings(String keyPrefix, URI url, String username, String password, String bearerToken,
                               Path truststore, String truststorePassword, String truststoreType,
                               Path keystore, String keystorePassword, String keystoreType,
                               Duration connectTimeout, Duration requestTimeout, int cacheSize, Duration maxBlock,
                               Duration retryBackoff) {

    public RegistrySettings {
        if (keyPrefix == null || keyPrefix.isBlank()) {
            throw new IllegalArgumentException("keyPrefix must not be blank");
        }
        if (url == null || url.getHost() == null
                || !("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))) {
            throw new IllegalArgumentException(keyPrefix + ".url must be an http:// or https:// URL with a host, got '"
                    + url + "'");
        }
        username = blankToNull(username);
        password = blankToNull(password);
        bearerToken = blankToNull(bearerToken);
        if ((username == null) != (password == null)) {
            throw new IllegalArgumentException(keyPrefix + ".username and " + keyPrefix
                    + ".password must be set together (HTTP basic auth)");
        }
        if (username != null && bearerToken != null) {
            throw new IllegalArgumentException(keyPrefix + ".bearer-token cannot be combined with " + keyPrefix
                    + ".username/password: choose one authentication");
        }
        truststorePassword = blankToNull(truststorePassword);
        keystorePassword = blankToNull(keystorePassword);
        store(keyPrefix + ".truststore", truststore, truststorePassword, url);
        store(keyPrefix + ".keystore", keystore, keystorePassword, url);
        truststoreType = storeType(truststoreType);
        keystoreType = storeType(keystoreType);
        positive(keyPrefix + ".connect-timeout", connectTimeout);
        positive(keyPrefix + ".request-timeout", requestTimeout);
        positive(keyPrefix + ".retry-backoff", retryBackoff);
        if (maxBlock == null || maxBlock.isNegative()) {
            throw new IllegalArgumentException(keyPrefix + ".max-block must be >= 0, got " + maxBlock);
        }
        if (cacheSize < 1) {
            throw new IllegalArgumentException(keyPrefix + ".cache-size must be >= 1, got " + cacheSize);
        }
        String s = url.toString();
        url = s.endsWith("/") ? URI.create(s.substring(0, s.length() - 1)) : url;
    }

    /** Plain settings for {@code url}: no auth, default trust, 5 s timeouts, 1000 cached schemas, 5 s max block. */
    public static RegistrySettings of(String keyPrefix, String url) {
        return new RegistrySettings(keyPrefix, parseUrl(keyPrefix, url), null, null, null, null, null, null,
                null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(5), 1000, Duration.ofSeconds(5),
                Duration.ofMillis(100));
    }

    /** Parses a configured URL, naming {@code keyPrefix.url} when it is not one. */
    public static URI parseUrl(String keyPrefix, String url) {
        try {
            return new URI(url == null ? "" : url.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(keyPrefix + ".url is not a URL: '" + url + "' (" + e.getMessage() + ")");
        }
    }

    /** A copy with another {@code maxBlock} (tests and the trainer, which may wait longer than a stream thread). */
    public RegistrySettings withMaxBlock(Duration d) {
        return new RegistrySettings(keyPrefix, url, username, password, bearerToken, truststore, truststorePassword,
                truststoreType, keystore, keystorePassword, keystoreType, connectTimeout, requestTimeout, cacheSize, d,
                retryBackoff);
    }

    /** A copy with basic auth. */
    public RegistrySettings withBasicAuth(String user, String pass) {
        return new RegistrySettings(keyPrefix, url, user, pass, null, truststore, truststorePassword,
                truststoreType, keystore, keystorePassword, keystoreType, connectTimeout, requestTimeout, cacheSize,
                maxBlock, retryBackoff);
    }

    /** A copy that trusts the certificates in {@code store} (type {@code type}) instead of the JVM's defaults. */
    public RegistrySettings withTruststore(Path store, String storePassword, String type) {
        return new RegistrySettings(keyPrefix, url, username, password, bearerToken, store, storePassword, type,
                keystore, keystorePassword, keystoreType, connectTimeout, requestTimeout, cacheSize, maxBlock,
                retryBackoff);
    }

    /** A copy that presents the certificate in {@code store} (mutual TLS). */
    public RegistrySettings withKeystore(Path store, String storePassword, String type) {
        return new RegistrySettings(keyPrefix, url, username, password, bearerToken, truststore, truststorePassword,
                truststoreType, store, storePassword, type, connectTimeout, requestTimeout, cacheSize, maxBlock,
                retryBackoff);
    }

    /** A copy with a bearer token. */
    public RegistrySettings withBearerToken(String token) {
        return new RegistrySettings(keyPrefix, url, null, null, token, truststore, truststorePassword,
                truststoreType, keystore, keystorePassword, keystoreType, connectTimeout, requestTimeout, cacheSize,
                maxBlock, retryBackoff);
    }

    @Override
    public String toString() { // never print secrets
        return "RegistrySettings[" + keyPrefix + ", url=" + url + ", auth="
                + (username != null ? "basic(" + username + ")" : bearerToken != null ? "bearer" : "none")
                + ", truststore=" + truststore + ", keystore=" + keystore + "]";
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(key + " must be > 0, got " + d);
        }
    }

    /**
     * A trust or key store must be readable and only makes sense with an https URL; a password without its store is a
     * typo in the key name (the store the operator meant is not in use), so it is refused as well.
     */
    private static void store(String key, Path file, String storePassword, URI url) {
        if (file == null) {
            if (storePassword != null) {
                throw new IllegalArgumentException(key + "-password is set but " + key + " is not");
            }
            return;
        }
        if (!"https".equalsIgnoreCase(url.getScheme())) {
            throw new IllegalArgumentException(key + " is set but " + key.substring(0, key.lastIndexOf('.'))
                    + ".url is not https: " + url);
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(key + ": cannot read " + file);
        }
    }

    private static String storeType(String type) {
        return type == null || type.isBlank() ? "PKCS12" : type.trim().toUpperCase(Locale.ROOT);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
