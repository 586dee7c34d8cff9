package io.normalcy.security;

import io.micronaut.context.env.Environment;
import io.micronaut.core.type.Argument;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads {@code normalcy.security.api-keys.<name>.{key | key-sha256, roles}}. {@code key} is the key itself (from a
 * secret or an environment variable); {@code key-sha256} its lower-case hex SHA-256, so that configuration files
 * need not hold the key. Both forms end up as the digest only.
 *
 * <p>Names come from two places: the configuration tree (YAML, properties, system properties) and environment
 * variables, which Micronaut keeps as all-dots paths ({@code NORMALCY_SECURITY_API_KEYS_CI_BOT_KEY_SHA256} is
 * {@code normalcy.security.api.keys.ci.bot.key.sha256}). A variable is read as {@code <name>_KEY},
 * {@code <name>_KEY_SHA256} or {@code <name>_ROLES}, the words of the name joined with '-' ({@code ci-bot}); the
 * values themselves are then read through the canonical key, so Micronaut's precedence between sources applies.
 */
final class ApiKeys {
    static final String PREFIX = SecuritySettings.PREFIX + ".api-keys";
    /** Where environment variables put the same tree. */
    private static final String ENV_PREFIX = SecuritySettings.PREFIX + ".api.keys";
    private static final Set<String> SUB_KEYS = Set.of("key", "key-sha256", "roles");

    private ApiKeys() {
    }

    static List<ApiKey> from(Environment env) {
        Set<String> names = new TreeSet<>(configuredNames(env));
        names.addAll(environmentNames(env));
        List<ApiKey> keys = new ArrayList<>();
        Map<String, String> byDigest = new TreeMap<>();
        for (String name : names) {
            ApiKey k = read(env, name);
            String other = byDigest.putIfAbsent(ApiKey.hex(k.sha256()), name);
            if (other != null) {
                throw new SecurityConfigException(PREFIX + "." + name, "is the same key as " + PREFIX + "." + other
                        + "; give every client its own key");
            }
            keys.add(k);
        }
        return keys;
    }

    private static Set<String> configuredNames(Environment env) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : env.getPropertyEntries(PREFIX)) {
            Set<String> sub = Set.copyOf(env.getPropertyEntries(PREFIX + "." + name));
            if (sub.isEmpty()) {
                throw new SecurityConfigException(PREFIX + "." + name, "must be a map with key (or key-sha256) and roles");
            }
            for (String s : sub) {
                if (!SUB_KEYS.contains(s)) {
                    throw new SecurityConfigException(PREFIX + "." + name + "." + s, "unknown key; known keys: "
                            + new TreeSet<>(SUB_KEYS));
                }
            }
            names.add(name);
        }
        return names;
    }

    /** Names of the keys set by environment variables (see the class comment). */
    private static Set<String> environmentNames(Environment env) {
        Set<String> names = new LinkedHashSet<>();
        for (List<String> path : leafPaths(env, ENV_PREFIX, List.of())) {
            int n = path.size();
            int nameEnd = n >= 3 && path.get(n - 2).equals("key") && path.get(n - 1).equals("sha256") ? n - 2
                    : n >= 2 && (path.get(n - 1).equals("key") || path.get(n - 1).equals("roles")) ? n - 1 : -1;
            if (nameEnd < 1) {
                String variable = (ENV_PREFIX + "." + String.join(".", path)).replace('.', '_').toUpperCase(Locale.ROOT);
                throw new SecurityConfigException(variable, "unknown key: an API key variable is "
                        + "NORMALCY_SECURITY_API_KEYS_<NAME>_KEY, _KEY_SHA256 or _ROLES");
            }
            names.add(String.join("-", path.subList(0, nameEnd)));
        }
        return names;
    }

    private static List<List<String>> leafPaths(Environment env, String prefix, List<String> path) {
        List<List<String>> out = new ArrayList<>();
        String here = path.isEmpty() ? prefix : prefix + "." + String.join(".", path);
        if (!path.isEmpty() && env.containsProperty(here)) {
            out.add(path);
        }
        for (String next : env.getPropertyEntries(here)) {
            List<String> p = new ArrayList<>(path);
            p.add(next);
            out.addAll(leafPaths(env, prefix, p));
        }
        return out;
    }

    private static ApiKey read(Environment env, String name) {
        String p = PREFIX + "." + name + ".";
        String key = env.getProperty(p + "key", String.class).orElse(null);
        String sha = env.getProperty(p + "key-sha256", String.class).orElse(null);
        if (key != null && sha != null) {
            throw new SecurityConfigException(PREFIX + "." + name, "set either key or key-sha256, not both");
        }
        byte[] digest;
        if (sha != null) {
            String hex = sha.trim().toLowerCase(Locale.ROOT);
            if (!hex.matches("[0-9a-f]{64}")) {
                throw new SecurityConfigException(p + "key-sha256", "not a SHA-256 in hex (64 characters 0-9a-f), e.g. "
                        + "printf %s \"$KEY\" | sha256sum");
            }
            digest = HexFormat.of().parseHex(hex);
        } else if (key != null) {
            String k = key.trim();
            if (k.length() < ApiKey.MIN_LENGTH) {
                throw new SecurityConfigException(p + "key", (k.isEmpty() ? "empty" : "too short (" + k.length()
                        + " characters)") + ": use at least " + ApiKey.MIN_LENGTH + " random characters, e.g. "
                        + "openssl rand -hex 32");
            }
            digest = ApiKey.digest(k);
        } else {
            throw new SecurityConfigException(p + "key", "missing: set key (or key-sha256, the hex SHA-256 of the key)");
        }
        return new ApiKey(name, digest, roles(env, p + "roles"));
    }

    private static Set<String> roles(Environment env, String key) {
        List<String> raw = env.getProperty(key, Argument.listOf(String.class)).orElse(List.of());
        Set<String> roles = new LinkedHashSet<>();
        for (String r : raw) {
            String role = r.trim();
            if (role.isEmpty()) {
                continue;
            }
            if (!Roles.ALL.contains(role)) {
                throw new SecurityConfigException(key, "unknown role '" + role + "'; roles: " + new TreeSet<>(Roles.ALL));
            }
            roles.add(role);
        }
        if (roles.isEmpty()) {
            throw new SecurityConfigException(key, "missing: give the key one or more of " + new TreeSet<>(Roles.ALL)
                    + " (admin includes read)");
        }
        return roles;
    }
}
