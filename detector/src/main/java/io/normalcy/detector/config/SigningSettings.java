package io.normalcy.detector.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The keys model versions and control records must be signed with (the models topic is then not a way to inject,
 * remove or roll back a model: only holders of a signing key can publish a record the detector accepts). Several
 * keys, each under an id, make rotation possible: the trainer names its key ({@code normalcy.trainer.signing-key-id},
 * sent with every record), the detector verifies with the key of that id; trust a new key by adding it here before
 * the trainer switches, distrust an old one by removing it. None configured = signatures are not checked.
 *
 * @param hmacSecret       key {@value #DEFAULT_KEY_ID}: shared HMAC-SHA256 secret, Base64 (as the trainer's
 *                         normalcy.trainer.hmac-key), or null
 * @param ed25519PublicKey key {@value #DEFAULT_KEY_ID}: Ed25519 public key, Base64 of the X.509
 *                         (SubjectPublicKeyInfo) encoding, or null
 * @param keys             further keys by id ({@code normalcy.detector.signing.keys.<id>.*})
 */
public record SigningSettings(String hmacSecret, String ed25519PublicKey, Map<String, KeySettings> keys) {
    /** Id of the key set directly under {@code normalcy.detector.signing} (and the trainer's default key id). */
    public static final String DEFAULT_KEY_ID = "default";
    private static final String P = "normalcy.detector.signing.";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    /** One verification key: exactly one of the two is set. */
    public record KeySettings(String hmacSecret, String ed25519PublicKey) {
        public KeySettings {
            hmacSecret = blankToNull(hmacSecret);
            ed25519PublicKey = blankToNull(ed25519PublicKey);
        }
    }

    public SigningSettings {
        hmacSecret = blankToNull(hmacSecret);
        ed25519PublicKey = blankToNull(ed25519PublicKey);
        if (hmacSecret != null && ed25519PublicKey != null) {
            throw new IllegalArgumentException("set only one of " + P + "hmac-secret and " + P + "ed25519-public-key");
        }
        Map<String, KeySettings> copy = new TreeMap<>();
        (keys == null ? Map.<String, KeySettings>of() : keys).forEach((id, k) -> {
            String where = P + "keys." + id;
            if (!ID.matcher(id).matches()) {
                throw new IllegalArgumentException(where + ": a key id is 1-64 of [A-Za-z0-9._-]");
            }
            if (k == null || (k.hmacSecret() == null) == (k.ed25519PublicKey() == null)) {
                throw new IllegalArgumentException(where + ": set exactly one of hmac-secret and ed25519-public-key");
            }
            copy.put(id, k);
        });
        if ((hmacSecret != null || ed25519PublicKey != null) && copy.containsKey(DEFAULT_KEY_ID)) {
            throw new IllegalArgumentException(P + "keys." + DEFAULT_KEY_ID + " duplicates the key id '"
                    + DEFAULT_KEY_ID + "' of " + P + (hmacSecret != null ? "hmac-secret" : "ed25519-public-key")
                    + ": set the key in one place");
        }
        keys = java.util.Collections.unmodifiableMap(copy); // sorted by id: a stable order for logs and checks
    }

    /** A single default key (the settings before key rotation existed). */
    public SigningSettings(String hmacSecret, String ed25519PublicKey) {
        this(hmacSecret, ed25519PublicKey, Map.of());
    }

    public static SigningSettings none() {
        return new SigningSettings(null, null, Map.of());
    }

    public boolean enabled() {
        return hmacSecret != null || ed25519PublicKey != null || !keys.isEmpty();
    }

    /** Every key by id, the default key first, with the configuration key it comes from (for error messages). */
    public Map<String, KeySettings> all() {
        Map<String, KeySettings> all = new LinkedHashMap<>();
        if (hmacSecret != null || ed25519PublicKey != null) {
            all.put(DEFAULT_KEY_ID, new KeySettings(hmacSecret, ed25519PublicKey));
        }
        all.putAll(keys);
        return all;
    }

    /**
     * The named keys from the bound {@code normalcy.detector.signing.keys} tree (id → properties). An environment
     * variable such as {@code NORMALCY_DETECTOR_SIGNING_KEYS_K2025_HMAC_SECRET} also appears split at every '_'
     * (id {@code k2025-hmac} with property {@code secret}, nested {@code hmac → secret}, ...): nested names are joined
     * with '-', and an id that only extends a real key's id by such a split is skipped. Anything else that is not
     * {@code hmac-secret} or {@code ed25519-public-key} stops start-up naming the key (a typo must not silently
     * leave a key out).
     */
    public static Map<String, KeySettings> keysFromConfig(Map<String, ? extends Map<String, ?>> raw) {
        Map<String, Map<String, String>> flat = new TreeMap<>();
        (raw == null ? Map.<String, Map<String, ?>>of() : raw).forEach((id, props) -> {
            Map<String, String> names = new TreeMap<>();
            flatten("", props, names);
            flat.put(id, names);
        });
        Map<String, KeySettings> keys = new LinkedHashMap<>();
        flat.forEach((id, names) -> {
            boolean real = names.containsKey(HMAC) || names.containsKey(ED25519);
            if (!real && flat.keySet().stream().anyMatch(other -> !other.equals(id) && id.startsWith(other + "-")
                    && (flat.get(other).containsKey(HMAC) || flat.get(other).containsKey(ED25519)))) {
                return; // an environment-variable split of another key's property names
            }
            for (String n : names.keySet()) {
                if (!n.equals(HMAC) && !n.equals(ED25519)) {
                    throw new IllegalArgumentException(P + "keys." + id + "." + n
                            + ": unknown key; a signing key has hmac-secret or ed25519-public-key");
                }
            }
            keys.put(id, new KeySettings(names.get(HMAC), names.get(ED25519)));
        });
        return keys;
    }

    private static final String HMAC = "hmac-secret";
    private static final String ED25519 = "ed25519-public-key";

    private static void flatten(String prefix, Object value, Map<String, String> out) {
        if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> flatten(prefix.isEmpty() ? kebab(k.toString()) : prefix + "-" + kebab(k.toString()),
                    v, out));
        } else if (value != null) {
            out.put(prefix, value.toString());
        }
    }

    private static String kebab(String s) {
        return s.replaceAll("([a-z0-9])([A-Z])", "$1-$2").replace('.', '-').toLowerCase(java.util.Locale.ROOT);
    }

    /** Configuration prefix of key {@code id}: {@code normalcy.detector.signing.} or {@code ...keys.<id>.}. */
    public String prefixOf(String id) {
        return keys.containsKey(id) ? P + "keys." + id + "." : P;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SigningSettings[");
        if (!enabled()) {
            return sb.append("none]").toString();
        }
        all().forEach((id, k) -> sb.append(sb.length() > 16 ? ", " : "").append(id).append('=')
                .append(k.hmacSecret() != null ? "hmac" : "ed25519"));
        return sb.append(']').toString();
    }
}
