package io.normalcy.security;

import io.micronaut.context.env.Environment;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The HTTP security configuration of a service, read and validated once at start-up:
 * <ul>
 *   <li>{@code normalcy.security.enabled} (default {@code true}): {@code false} runs every endpoint without
 *   authentication, which must be said explicitly (and is logged at WARN) rather than happen by omission;</li>
 *   <li>{@code normalcy.security.protect-metrics} (default {@code false}): {@code /prometheus} needs the read role;</li>
 *   <li>{@code normalcy.security.api-keys.<name>.key} or {@code .key-sha256}, and {@code .roles} ({@link ApiKeys});</li>
 *   <li>bearer JWTs, configured with Micronaut Security's own keys
 *   ({@code micronaut.security.token.jwt.signatures.secret.<name>.secret},
 *   {@code micronaut.security.token.jwt.signatures.jwks.<name>.url}, {@code ...jwks-static.<name>.path}); their
 *   roles come from the {@code roles} claim.</li>
 * </ul>
 * With authentication on and no credential source at all, nobody could call the API: start-up stops and names the
 * keys to set. Every other mistake (a key without roles, an unknown role, a short secret, a misspelled key) also stops
 * start-up, naming the key, like the services' other configuration errors.
 *
 * @param enabled        whether requests must authenticate
 * @param protectMetrics whether {@code /prometheus} needs the read role
 * @param apiKeys        configured API keys
 * @param jwtSources     configured JWT signature sources, described (e.g. {@code secret 'generator'})
 */
public record SecuritySettings(boolean enabled, boolean protectMetrics, List<ApiKey> apiKeys, List<String> jwtSources) {
    public static final String PREFIX = "normalcy.security";
    public static final String ENABLED = PREFIX + ".enabled";
    public static final String PROTECT_METRICS = PREFIX + ".protect-metrics";
    /** Micronaut Security's switch; application.yml sets it from {@link #ENABLED}. */
    public static final String MICRONAUT_ENABLED = "micronaut.security.enabled";
    public static final String JWT_SIGNATURES = "micronaut.security.token.jwt.signatures";
    /** HS256 needs a key of at least 256 bits. */
    static final int MIN_JWT_SECRET_BYTES = 32;
    private static final Set<String> KEYS = Set.of("enabled", "protect-metrics", "api-keys");

    public SecuritySettings {
        apiKeys = List.copyOf(apiKeys);
        jwtSources = List.copyOf(jwtSources);
    }

    /** @throws SecurityConfigException naming the first bad or missing key */
    public static SecuritySettings from(Environment env) {
        for (String entry : env.getPropertyEntries(PREFIX)) {
            checkKey(env, entry, entry);
        }
        boolean enabled = bool(env, ENABLED, true);
        boolean micronautEnabled = bool(env, MICRONAUT_ENABLED, enabled);
        if (enabled != micronautEnabled) {
            throw new SecurityConfigException(MICRONAUT_ENABLED, "is " + micronautEnabled + " but " + ENABLED + " is "
                    + enabled + "; set only " + ENABLED + " (application.yml derives " + MICRONAUT_ENABLED + " from it)");
        }
        boolean protectMetrics = bool(env, PROTECT_METRICS, false);
        List<ApiKey> apiKeys = ApiKeys.from(env);
        List<String> jwt = jwtSources(env);
        if (enabled && apiKeys.isEmpty() && jwt.isEmpty()) {
            throw new SecurityConfigException(ApiKeys.PREFIX, "no credentials are configured, so no request could be "
                    + "authenticated. Set an API key (" + ApiKeys.PREFIX + ".<name>.key, or .key-sha256, and "
                    + ApiKeys.PREFIX + ".<name>.roles: " + new TreeSet<>(Roles.ALL) + "), or a JWT signature ("
                    + JWT_SIGNATURES + ".secret.<name>.secret, or " + JWT_SIGNATURES + ".jwks.<name>.url), or run "
                    + "without authentication with " + ENABLED + "=false");
        }
        return new SecuritySettings(enabled, protectMetrics, apiKeys, jwt);
    }

    /** Whether any credential could authenticate a request. */
    public boolean hasCredentials() {
        return !apiKeys.isEmpty() || !jwtSources.isEmpty();
    }

    /** One line for the start-up log; never contains a key or a secret. */
    public String describe() {
        if (!enabled) {
            return "authentication OFF (" + ENABLED + "=false): every endpoint is open";
        }
        return "authentication on: API keys " + apiKeys + ", JWT " + (jwtSources.isEmpty() ? "off" : jwtSources)
                + ", /prometheus " + (protectMetrics ? "needs the read role" : "open");
    }

    /**
     * Unknown keys under {@link #PREFIX} stop start-up (a misspelled {@code enabeld: false} must not leave the
     * service secured by accident, nor {@code protect-metric: true} leave metrics open). An environment variable
     * such as {@code NORMALCY_SECURITY_PROTECT_METRICS} reaches Micronaut as the dotted path
     * {@code normalcy.security.protect.metrics}: such an entry is followed down with its words joined by '-'.
     */
    private static void checkKey(Environment env, String path, String key) {
        if (KEYS.contains(key)) {
            return;
        }
        Collection<String> deeper = env.getPropertyEntries(PREFIX + "." + path);
        if (deeper.isEmpty() || KEYS.stream().noneMatch(k -> k.startsWith(key + "-"))) {
            throw new SecurityConfigException(PREFIX + "." + key, "unknown key; known keys: " + new TreeSet<>(KEYS));
        }
        for (String next : deeper) {
            checkKey(env, path + "." + next, key + "-" + next);
        }
    }

    private static boolean bool(Environment env, String key, boolean defaultValue) {
        String raw = env.getProperty(key, String.class).map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse(null);
        if (raw == null || raw.isEmpty()) {
            return defaultValue;
        }
        if (!raw.equals("true") && !raw.equals("false")) {
            throw new SecurityConfigException(key, "'" + raw + "' is not true or false");
        }
        return Boolean.parseBoolean(raw);
    }

    /** The JWT signature sources Micronaut Security will verify tokens with; a secret too short for HS256 is an error. */
    private static List<String> jwtSources(Environment env) {
        List<String> out = new ArrayList<>();
        for (String name : new TreeSet<>(env.getPropertyEntries(JWT_SIGNATURES + ".secret"))) {
            String key = JWT_SIGNATURES + ".secret." + name + ".secret";
            String secret = env.getProperty(key, String.class).orElse("");
            boolean base64 = bool(env, JWT_SIGNATURES + ".secret." + name + ".base64", false);
            int bytes;
            try {
                bytes = base64 ? Base64.getDecoder().decode(secret.trim()).length : secret.length();
            } catch (IllegalArgumentException e) {
                throw new SecurityConfigException(key, "not base64 (base64: true)");
            }
            if (bytes < MIN_JWT_SECRET_BYTES) {
                throw new SecurityConfigException(key, (secret.isEmpty() ? "missing" : "too short (" + bytes
                        + (base64 ? " bytes" : " characters") + ")") + ": HS256 needs at least " + MIN_JWT_SECRET_BYTES
                        + " random bytes, e.g. openssl rand -hex 32");
            }
            out.add("secret '" + name + "'");
        }
        for (String name : new TreeSet<>(env.getPropertyEntries(JWT_SIGNATURES + ".jwks"))) {
            out.add("jwks '" + name + "'");
        }
        for (String name : new TreeSet<>(env.getPropertyEntries(JWT_SIGNATURES + ".jwks-static"))) {
            out.add("jwks-static '" + name + "'");
        }
        return out;
    }
}
