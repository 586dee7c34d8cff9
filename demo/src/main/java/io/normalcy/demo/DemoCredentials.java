package io.normalcy.demo;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * API keys made up for one demo run: the services refuse to start without credentials, and a demo must not ship a
 * fixed key that then works against every demo installation. Both services accept both keys; the demo itself only
 * reads ({@code GET /models} on the detector) with the read key.
 *
 * @param readKey  role {@code read}
 * @param adminKey role {@code admin}
 */
record DemoCredentials(String readKey, String adminKey) {
    static final String HEADER = "X-API-Key";

    static DemoCredentials generate() {
        SecureRandom random = new SecureRandom();
        return new DemoCredentials(key(random), key(random));
    }

    private static String key(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The services' configuration of these keys ({@code normalcy.security.api-keys.*}). */
    Map<String, Object> properties() {
        return Map.of(
                "normalcy.security.api-keys.demo-reader.key", readKey,
                "normalcy.security.api-keys.demo-reader.roles", List.of("read"),
                "normalcy.security.api-keys.demo-admin.key", adminKey,
                "normalcy.security.api-keys.demo-admin.roles", List.of("admin"));
    }

    @Override
    public String toString() {
        return "DemoCredentials[keys hidden]";
    }
}
