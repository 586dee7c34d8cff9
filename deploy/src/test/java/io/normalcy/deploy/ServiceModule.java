package io.normalcy.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What one Micronaut service (trainer, detector) actually reads, derived from its sources: the keys of its
 * {@code application*.yml}, the keys its {@code @ConfigurationProperties} types declare, the Kafka client
 * settings it passes through from {@code kafka.*}, its HTTP port and the paths of its health and Prometheus
 * endpoints. Deploy files are checked against this, so renaming a key, a port or an endpoint in the code
 * without updating the deploy files fails the build.
 */
final class ServiceModule {

    /** Environment variables read by the JVM, native libraries or Micronaut's bootstrap rather than as config keys. */
    static final Set<String> PLATFORM_ENV = Set.of("JAVA_TOOL_OPTIONS", "JAVA_HOME", "PATH", "OMP_NUM_THREADS",
            "MICRONAUT_ENVIRONMENTS", "MICRONAUT_CONFIG_FILES", "TZ", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)(?::([^}]*))?}");

    final String name;
    final Path dir;
    final Map<String, Object> applicationYml;
    final List<ConfigPropertiesScanner.Declared> declared;
    final Set<String> yamlKeys;
    final Set<String> placeholderEnv;
    final boolean kafkaPassThrough;
    /** The service depends on module security (HTTP authentication), whose map-valued keys it then reads. */
    final boolean usesSecurityModule;
    final Set<String> streamsOverridePrefixes;

    private ServiceModule(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        Path resources = dir.resolve("src/main/resources");
        Path yml = resources.resolve("application.yml");
        if (!Files.isRegularFile(yml)) {
            throw new AssertionError(name + ": " + yml + " is missing: the deploy files cannot be checked against it");
        }
        this.applicationYml = Repo.flatten(Repo.yaml(yml));
        this.yamlKeys = new LinkedHashSet<>();
        this.placeholderEnv = new LinkedHashSet<>();
        for (Path f : applicationYmls(resources)) {
            Repo.flatten(Repo.yaml(f)).forEach((k, v) -> {
                yamlKeys.add(k);
                Matcher m = PLACEHOLDER.matcher(String.valueOf(v));
                while (m.find()) {
                    placeholderEnv.add(m.group(1));
                }
            });
        }
        Path java = dir.resolve("src/main/java");
        this.declared = ConfigPropertiesScanner.scan(java);
        String allSources = sources(java);
        // the service hands every kafka.* property to its Kafka clients: it reads the whole kafka subtree
        // (io.normalcy.detector.runtime.KafkaProperties) or uses Micronaut Kafka clients/listeners, which do
        this.kafkaPassThrough = Pattern.compile("getProperties\\(\\s*\"kafka\"|@Property\\(\\s*name\\s*=\\s*\"kafka\"\\s*\\)"
                + "|@KafkaListener\\b|@KafkaClient\\b").matcher(allSources).find();
        Path pom = dir.resolve("pom.xml");
        this.usesSecurityModule = Files.isRegularFile(pom)
                && Repo.read(pom).contains("<artifactId>normalcy-security</artifactId>");
        this.streamsOverridePrefixes = new LinkedHashSet<>();
        Matcher sp = Pattern.compile("\"(streams\\.[a-z0-9\\-]+\\.)\"").matcher(allSources);
        while (sp.find()) {
            streamsOverridePrefixes.add("kafka." + sp.group(1));
        }
    }

    static ServiceModule load(String name) {
        return at(name, Repo.root().resolve(name));
    }

    /** A module in any directory (tests of this checker use synthetic modules). */
    static ServiceModule at(String name, Path dir) {
        return new ServiceModule(name, dir);
    }

    /** micronaut.server.port, resolving a {@code ${VAR:default}} placeholder to its default; Micronaut's 8080 if absent. */
    int port() {
        Object v = applicationYml.get("micronaut.server.port");
        return v == null ? 8080 : Integer.parseInt(resolveDefault("micronaut.server.port", String.valueOf(v)));
    }

    /** The environment variable that overrides the port through a placeholder, if any. */
    Optional<String> portPlaceholder() {
        Matcher m = PLACEHOLDER.matcher(String.valueOf(applicationYml.getOrDefault("micronaut.server.port", "")));
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** Port of the management endpoints (endpoints.all.port, else the server port). */
    int managementPort() {
        Object v = applicationYml.get("endpoints.all.port");
        return v == null ? port() : Integer.parseInt(resolveDefault("endpoints.all.port", String.valueOf(v)));
    }

    /** Path of a built-in management endpoint: endpoints.all.path (default "/") + id. */
    String endpointPath(String id) {
        Object base = applicationYml.getOrDefault("endpoints.all.path", "/");
        String b = String.valueOf(base);
        if (!b.endsWith("/")) {
            b = b + "/";
        }
        if (!b.startsWith("/")) {
            b = "/" + b;
        }
        return b + id;
    }

    String healthPath() {
        requireEndpoint("health", false);
        return endpointPath("health");
    }

    String livenessPath() {
        return healthPath() + "/liveness";
    }

    String readinessPath() {
        return healthPath() + "/readiness";
    }

    /** The Prometheus scrape path; fails unless the endpoint is enabled and not sensitive (else scrapes get 401). */
    String prometheusPath() {
        requireEndpoint("prometheus", true);
        if (Boolean.FALSE.equals(applicationYml.get("micronaut.metrics.enabled"))) {
            throw new AssertionError(name + ": micronaut.metrics.enabled is false, nothing to scrape");
        }
        return endpointPath("prometheus");
    }

    /**
     * The endpoint must be served ({@code endpoints.<id>.enabled}, which overrides {@code endpoints.all.enabled})
     * and open to anonymous callers by default: {@code sensitive} false, or a placeholder whose default is false
     * (e.g. {@code ${normalcy.security.protect-metrics:false}}).
     */
    private void requireEndpoint(String id, boolean mustBeDeclaredInsensitive) {
        String enabled = yamlText("endpoints." + id + ".enabled");
        if ("false".equals(enabled) || (enabled == null && "false".equals(yamlText("endpoints.all.enabled")))) {
            throw new AssertionError(name + ": endpoint '" + id + "' is disabled in application.yml");
        }
        String sensitive = yamlText("endpoints." + id + ".sensitive");
        if ("true".equals(sensitive) || (mustBeDeclaredInsensitive && !"false".equals(sensitive))) {
            throw new AssertionError(name + ": endpoints." + id + ".sensitive must be false in application.yml "
                    + "for unauthenticated probes/scrapes, is " + sensitive);
        }
    }

    /** A value of application.yml as text, a {@code ${...:default}} placeholder resolved to its default; null if absent. */
    private String yamlText(String key) {
        Object v = applicationYml.get(key);
        return v == null ? null : resolveDefault(key, String.valueOf(v));
    }

    /** Effective value of a declared key: override if given, else application.yml, else the @Bindable default. */
    Optional<String> value(String key, Map<String, String> env) {
        String envName = envName(key);
        if (env.containsKey(envName)) {
            return Optional.of(env.get(envName));
        }
        if (applicationYml.containsKey(key)) {
            return Optional.of(resolveDefault(key, String.valueOf(applicationYml.get(key))));
        }
        return declared.stream().filter(d -> d.key().equals(key) && d.defaultValue() != null)
                .map(ConfigPropertiesScanner.Declared::defaultValue).findFirst();
    }

    /** All declared keys (from sources and application*.yml). */
    Set<String> keys() {
        Set<String> keys = new LinkedHashSet<>(yamlKeys);
        declared.forEach(d -> keys.add(d.key()));
        return keys;
    }

    /**
     * Why an environment variable is read by this service, or empty if it maps to nothing the service reads
     * (Micronaut: lower-case, each '_' may stand for '.' or '-').
     */
    Optional<String> explainEnv(String env) {
        if (PLATFORM_ENV.contains(env)) {
            return Optional.of("platform variable");
        }
        if (placeholderEnv.contains(env)) {
            return Optional.of("placeholder in application.yml");
        }
        for (ConfigPropertiesScanner.Declared d : declared) {
            if (envName(d.key()).equals(env) || (d.map() && env.startsWith(envName(d.key()) + "_"))) {
                return Optional.of(d.key() + " (" + d.source() + ")");
            }
        }
        for (String k : yamlKeys) {
            if (envName(k).equals(env)) {
                return Optional.of(k + " (application.yml)");
            }
        }
        if (usesSecurityModule) {
            Optional<String> security = explainSecurityEnv(env);
            if (security.isPresent()) {
                return security;
            }
        }
        if (name.equals("trainer") && env.startsWith(TRAINER_MODELS_ENV)) {
            // per-model definitions: normalcy.trainer.models.<model>.<parameter>, parameters as the trainer parses them
            for (String param : io.normalcy.trainer.config.Parameters.KEYS) {
                String suffix = "_" + envName(param);
                if (env.endsWith(suffix) && env.length() > TRAINER_MODELS_ENV.length() + suffix.length()) {
                    return Optional.of("normalcy.trainer.models.<model>." + param + " (trainer model definition)");
                }
            }
        }
        if (kafkaPassThrough) {
            for (String prefix : streamsOverridePrefixes) {
                for (String n : KafkaConfigNames.streams()) {
                    if (envName(prefix + n).equals(env)) {
                        return Optional.of(prefix + n + " (Kafka Streams override)");
                    }
                }
            }
            for (String n : KafkaConfigNames.clients()) {
                if (envName("kafka." + n).equals(env)) {
                    return Optional.of("kafka." + n + " (Kafka client pass-through)");
                }
            }
        }
        return Optional.empty();
    }

    private static final String TRAINER_MODELS_ENV = "NORMALCY_TRAINER_MODELS_";
    /** normalcy.security.api-keys.<name>.{key, key-sha256, roles}, as module security reads them (ApiKeys). */
    private static final Pattern API_KEY_ENV = Pattern.compile("NORMALCY_SECURITY_API_KEYS_[A-Z0-9_]+?_(KEY|KEY_SHA256|ROLES)");
    /** Micronaut Security's JWT signature configuration (secret, JWKS URL, static JWKS), per signature name. */
    private static final Pattern JWT_ENV = Pattern.compile("MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURES_(SECRET|JWKS|JWKS_STATIC)_[A-Z0-9_]+");

    /** Keys of the shared HTTP security module that are maps of names, which no declaration lists. */
    private static Optional<String> explainSecurityEnv(String env) {
        if (API_KEY_ENV.matcher(env).matches()) {
            return Optional.of("normalcy.security.api-keys.<name>.* (module security, API key)");
        }
        if (JWT_ENV.matcher(env).matches()) {
            return Optional.of("micronaut.security.token.jwt.signatures.* (Micronaut Security, JWT)");
        }
        return Optional.empty();
    }

    /** The environment variable Micronaut maps to {@code key}. */
    static String envName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    private String resolveDefault(String key, String v) {
        Matcher m = PLACEHOLDER.matcher(v);
        if (m.matches()) {
            if (m.group(2) == null) {
                throw new AssertionError(name + ": " + key + " = " + v + " has no default");
            }
            return m.group(2);
        }
        return v;
    }

    private static List<Path> applicationYmls(Path resources) {
        try (Stream<Path> s = Files.list(resources)) {
            return s.filter(p -> p.getFileName().toString().matches("application(-[\\w-]+)?\\.ya?ml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sources(Path java) {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(java)) {
            s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(p -> sb.append(Repo.read(p)).append('\n'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return name;
    }

    Map<String, Object> applicationYml() {
        return new LinkedHashMap<>(applicationYml);
    }
}
