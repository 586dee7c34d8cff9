package io.normalcy.trainer.config;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.env.Environment;
import io.micronaut.core.naming.conventions.StringConvention;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The configured model definitions ({@code normalcy.trainer.models.<name>.*}), parsed with {@link Parameters}
 * at start-up. Eager ({@link Context}) so that a bad key or value stops the service before it accepts any
 * request, with the offending property named in the error. Also rejects unknown keys directly under
 * {@code normalcy.trainer}.
 */
@Context
public class ModelRegistry {
    static final String PREFIX = "normalcy.trainer";
    private static final Set<String> SERVICE_KEYS = Set.of("isolation", "instance-id", "artifact-dir",
            "max-concurrent-trainings", "child-jvm-options", "training-timeout", "retrain-listener",
            "recent-request-ids", "read-timeout", "hmac-key", "ed25519-private-key", "signing-key-id", "keep-versions",
            "models", "registry", "mappings");

    private final Map<String, ModelDefinition> models;

    public ModelRegistry(Environment env, TrainerConfig config) {
        this(readRaw(env));
        if (config.getMaxConcurrentTrainings() < 1) {
            throw new ConfigException(PREFIX + ".max-concurrent-trainings", "must be >= 1");
        }
        if (config.getKeepVersions() < 1) {
            throw new ConfigException(PREFIX + ".keep-versions", "must be >= 1, got " + config.getKeepVersions());
        }
        for (String key : env.getPropertyEntries(PREFIX)) {
            checkServiceKey(env, key, key);
        }
    }

    /**
     * Micronaut reads an environment variable such as {@code NORMALCY_TRAINER_ARTIFACT_DIR} also as the dotted path
     * {@code normalcy.trainer.artifact.dir}, whose entry under {@code normalcy.trainer} is {@code artifact}. Such an
     * entry is followed down and its words joined with '-' before it is judged, so that the variable is accepted and a
     * misspelled one ({@code ..._ARTIFACT_DIRECTORY}) is still named in the error.
     *
     * @param path dotted path under {@link #PREFIX}
     * @param key  the same words joined with '-'
     */
    private static void checkServiceKey(Environment env, String path, String key) {
        if (SERVICE_KEYS.contains(key)) {
            return;
        }
        Collection<String> deeper = env.getPropertyEntries(PREFIX + "." + path);
        if (deeper.isEmpty() || SERVICE_KEYS.stream().noneMatch(k -> k.startsWith(key + "-"))) {
            throw new ConfigException(PREFIX + "." + key, "unknown key; known keys: " + new java.util.TreeSet<>(SERVICE_KEYS));
        }
        for (String next : deeper) {
            checkServiceKey(env, path + "." + next, key + "-" + next);
        }
    }

    /** @param raw model name → (key → value as text, lists comma-separated) */
    public ModelRegistry(Map<String, Map<String, String>> raw) {
        Map<String, ModelDefinition> m = new LinkedHashMap<>();
        raw.forEach((name, values) -> m.put(name,
                Parameters.apply(ModelDefinition.defaults(name), values, PREFIX + ".models." + name + ".")));
        this.models = Map.copyOf(m);
    }

    private static Map<String, Map<String, String>> readRaw(Environment env) {
        Map<String, Map<String, String>> raw = new TreeMap<>();
        for (String name : env.getPropertyEntries(PREFIX + ".models")) {
            Map<String, Object> props = env.getProperties(PREFIX + ".models." + name, StringConvention.HYPHENATED);
            Map<String, String> values = new LinkedHashMap<>();
            props.forEach((k, v) -> {
                if (!k.contains("[")) { // list elements also appear flattened as key[i]; the list itself is under key
                    // model keys are one level deep: a dotted key is an environment-variable split of a hyphenated
                    // one (NORMALCY_TRAINER_MODELS_X_INTEGER_FEATURES gives integer.features and integer-features)
                    values.put(k.replace('.', '-'), text(v));
                }
            });
            raw.put(name, values);
        }
        return raw;
    }

    private static String text(Object v) {
        if (v instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return v == null ? "" : String.valueOf(v);
    }

    public Optional<ModelDefinition> find(String name) {
        return Optional.ofNullable(models.get(name));
    }

    public List<String> names() {
        return models.keySet().stream().sorted().toList();
    }
}
