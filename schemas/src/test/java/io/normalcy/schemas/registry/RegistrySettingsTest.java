package io.normalcy.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {
    private static final String P = "normalcy.detector.registry";

    private static RegistrySettings with(String url, String user, String pass, String token, Path trust,
                                         Duration maxBlock, int cache) {
        return new RegistrySettings(P, RegistrySettings.parseUrl(P, url), user, pass, token, trust, null, null,
                null, null, null, Duration.ofSeconds(1), Duration.ofSeconds(1), cache, maxBlock, Duration.ofMillis(10));
    }

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void badValuesNameTheirKey() {
        assertTrue(message(() -> with("ftp://x", null, null, null, null, Duration.ZERO, 1)).startsWith(P + ".url"));
        assertTrue(message(() -> with("not a url", null, null, null, null, Duration.ZERO, 1)).startsWith(P + ".url"));
        assertTrue(message(() -> with("http://r:8081", "u", null, null, null, Duration.ZERO, 1))
                .contains(P + ".password"));
        assertTrue(message(() -> with("http://r:8081", "u", "p", "t", null, Duration.ZERO, 1))
                .startsWith(P + ".bearer-token"));
        assertTrue(message(() -> with("http://r:8081", null, null, null, Path.of("pom.xml"), Duration.ZERO, 1))
                .startsWith(P + ".truststore"));
        assertTrue(message(() -> with("https://r:8081", null, null, null, Path.of("no-such-file.p12"),
                Duration.ZERO, 1)).startsWith(P + ".truststore"));
        assertTrue(message(() -> with("http://r:8081", null, null, null, null, Duration.ofSeconds(-1), 1))
                .startsWith(P + ".max-block"));
        assertTrue(message(() -> with("http://r:8081", null, null, null, null, Duration.ZERO, 0))
                .startsWith(P + ".cache-size"));
    }

    @Test
    void trustAndKeyStoresNameTheirKeys() {
        RegistrySettings https = with("https://r:8081", null, null, null, null, Duration.ZERO, 1);
        Path readable = Path.of("pom.xml");
        assertTrue(message(() -> with("http://r:8081", null, null, null, null, Duration.ZERO, 1)
                .withKeystore(readable, "pw", null)).startsWith(P + ".keystore is set but " + P + ".url is not https"));
        assertTrue(message(() -> https.withKeystore(Path.of("no-such-file.p12"), "pw", null))
                .startsWith(P + ".keystore: cannot read"));
        assertTrue(message(() -> https.withKeystore(null, "pw", null))
                .startsWith(P + ".keystore-password is set but " + P + ".keystore is not"));
        assertTrue(message(() -> https.withTruststore(null, "pw", null))
                .startsWith(P + ".truststore-password is set but " + P + ".truststore is not"));
        RegistrySettings both = https.withTruststore(readable, "pw", "jks").withKeystore(readable, "pw", null);
        assertEquals("JKS", both.truststoreType());
        assertEquals("PKCS12", both.keystoreType());
        assertEquals(readable, both.withBasicAuth("u", "p").keystore(), "copies keep the key store");
    }

    @Test
    void trailingSlashIsDroppedAndSecretsAreNotPrinted() {
        RegistrySettings s = with("http://r:8080/apis/ccompat/v7/", "user", "s3cret", null, null, Duration.ZERO, 5);
        assertEquals(URI.create("http://r:8080/apis/ccompat/v7"), s.url());
        assertFalse(s.toString().contains("s3cret"), s.toString());
        assertEquals("PKCS12", s.truststoreType());
    }
}
