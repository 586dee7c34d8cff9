package io.normalcy.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.normalcy.detector.runtime.StreamsLifecycle;
import io.normalcy.testkit.EnvironmentVariables;

import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Several verification keys by id ({@code normalcy.detector.signing.keys.<id>.*}) and their start-up checks. */
class SigningConfigurationTest {
    private static final String HMAC = "czNjcmV0czNjcmV0czNjcmV0czNjcmV0";
    private static final String P = "normalcy.detector.signing.";

    private static ApplicationContextBuilder builder(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put(StreamsLifecycle.AUTOSTART, "false");
        all.put("micronaut.server.port", "-1");
        // the test environment holds the test credentials (application-test.yml): without them start-up stops at the
        // security check before the signing keys are read
        return ApplicationContext.builder().deduceEnvironment(false).environments("test").properties(all);
    }

    private static String ed25519PublicKey() throws Exception {
        return Base64.getEncoder().encodeToString(KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
                .getPublic().getEncoded());
    }

    private static String startupFailure(Map<String, Object> props) {
        Exception e = assertThrows(Exception.class, () -> builder(props).start().close(), props + " must stop start-up");
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage()).append('\n');
        }
        return m.toString();
    }

    @Test
    void namedKeysBindBesideTheDefaultKey() throws Exception {
        try (ApplicationContext ctx = builder(Map.of(P + "hmac-secret", HMAC, P + "keys.k2026.ed25519-public-key",
                ed25519PublicKey(), P + "keys.k2027.hmac-secret", HMAC)).start()) {
            SigningSettings s = ctx.getBean(DetectorConfiguration.class).detectorSettings().signing();
            assertEquals(Set.of("default", "k2026", "k2027"), s.all().keySet());
            assertEquals("SigningSettings[default=hmac, k2026=ed25519, k2027=hmac]", s.toString());
        }
    }

    @Test
    void namedKeysBindFromEnvironmentVariables() throws Exception {
        try (ApplicationContext ctx = builder(Map.of()).propertySources(EnvironmentVariables.of("env", Map.of(
                "NORMALCY_DETECTOR_SIGNING_KEYS_K2026_ED25519_PUBLIC_KEY", ed25519PublicKey(),
                "NORMALCY_DETECTOR_SIGNING_KEYS_K2027_HMAC_SECRET", HMAC))).start()) {
            SigningSettings s = ctx.getBean(DetectorConfiguration.class).detectorSettings().signing();
            assertEquals(Set.of("k2026", "k2027"), s.all().keySet());
        }
    }

    @Test
    void badKeysStopStartUpNamingTheKey() throws Exception {
        String m = startupFailure(Map.of(P + "keys.k2026.ed25519-public-key", "not-a-key"));
        assertTrue(m.contains(P + "keys.k2026.ed25519-public-key is not a Base64 X.509 Ed25519 public key"), m);
        m = startupFailure(Map.of(P + "keys.k2026.hmac-secret", HMAC, P + "keys.k2026.ed25519-public-key",
                ed25519PublicKey()));
        assertTrue(m.contains(P + "keys.k2026: set exactly one of hmac-secret and ed25519-public-key"), m);
        m = startupFailure(Map.of(P + "hmac-secret", HMAC, P + "keys.default.hmac-secret", HMAC));
        assertTrue(m.contains(P + "keys.default duplicates the key id 'default'"), m);
        m = startupFailure(Map.of(P + "keys.k2026.hmac-secrt", HMAC));
        assertTrue(m.contains(P + "keys.k2026.hmac-secrt: unknown key"), m);
        m = startupFailure(Map.of(P + "keys.k2026.hmac-secret", "%%%"));
        assertTrue(m.contains(P + "keys.k2026.hmac-secret is not Base64"), m);
    }
}
