package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.normalcy.security.SecuritySettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * There is no Docker engine in CI, so docker-compose.yml and the Dockerfiles are checked as data against what
 * the services' code reads: build contexts and Dockerfiles exist and build real modules, published ports and
 * healthchecks use each service's {@code micronaut.server.port} and health endpoint, every environment key
 * maps (by Micronaut's env-var rules) to a key the service declares, clients reach the broker through an
 * advertised listener, and Prometheus scrapes the real metrics endpoint.
 */
class ComposeFileTest {

    /** Compose services that run a Micronaut service module, by module name. */
    private static final Set<String> SERVICE_MODULES = Set.of("trainer", "detector");

    private static Compose compose;
    private static final Map<String, ServiceModule> MODULES = new LinkedHashMap<>();

    @BeforeAll
    static void load() {
        compose = Compose.load();
    }

    private static ServiceModule module(String name) {
        return MODULES.computeIfAbsent(name, ServiceModule::load);
    }

    /** The module a compose service builds (the last -pl module of its Dockerfile), if it is built here. */
    private static Optional<String> builtModule(String service) {
        return compose.dockerfile(compose.service(service)).map(df -> {
            List<String> mods = Dockerfile.read(df).builtModules();
            assertFalse(mods.isEmpty(), df + " runs no './mvnw ... -pl <module>'");
            return mods.get(mods.size() - 1);
        });
    }

    @Test
    void theStackHasKafkaTheServicesTheDemoAndPrometheus() {
        assertTrue(compose.services().keySet().containsAll(List.of("kafka", "trainer", "detector", "demo", "prometheus")),
                "services: " + compose.services().keySet());
        assertEquals("apache/kafka:3.9.1", compose.service("kafka").get("image"), "official Kafka image, KRaft");
        assertEquals("trainer", builtModule("trainer").orElseThrow());
        assertEquals("detector", builtModule("detector").orElseThrow());
        assertEquals("demo", builtModule("demo").orElseThrow());
    }

    /**
     * The broker's log lives on a named volume at its log.dirs: without it every re-created container starts an
     * empty cluster and the trained models on the compacted models topic are gone.
     */
    @Test
    void kafkasDataIsOnANamedVolumeAtItsLogDirs() {
        Map<String, Object> kafka = compose.service("kafka");
        String logDirs = Compose.environment(kafka).get("KAFKA_LOG_DIRS");
        assertEquals("/var/lib/kafka/data", logDirs, "KAFKA_LOG_DIRS: the apache/kafka image's own data VOLUME, "
                + "writable by its non-root user (the default /tmp/kraft-combined-logs is not kept)");
        String mount = Repo.list(kafka, "volumes").stream().map(String::valueOf)
                .filter(v -> v.split(":").length >= 2 && v.split(":")[1].equals(logDirs)).findFirst()
                .orElseThrow(() -> new AssertionError("kafka: no volume mounted at " + logDirs));
        String volume = mount.split(":")[0];
        assertFalse(volume.startsWith(".") || volume.startsWith("/"), "kafka: " + mount + " must be a named volume, not a bind mount");
        assertTrue(compose.root.containsKey("volumes") && Repo.map(compose.root, "volumes").containsKey(volume),
                "named volume " + volume + " is not declared under top-level volumes");
    }

    @Test
    void everyServiceHasAnImageOrABuildFromTheRepositoryRoot() {
        for (String name : compose.services().keySet()) {
            Map<String, Object> s = compose.service(name);
            Optional<Path> ctx = compose.buildContext(s);
            assertTrue(s.get("image") != null || ctx.isPresent(), name + ": neither image nor build");
            if (ctx.isPresent()) {
                // the Dockerfiles COPY the whole source tree: the context must be the repository root
                assertEquals(Repo.root().normalize(), ctx.get(), name + ": build context");
                Path df = compose.dockerfile(s).orElseThrow();
                assertTrue(Files.isRegularFile(df), name + ": Dockerfile " + df + " does not exist");
            }
        }
    }

    @Test
    void dockerfilesBuildExistingModulesAndStartTheirMainClass() {
        String rootPom = Repo.read(Repo.root().resolve("pom.xml"));
        for (String name : compose.services().keySet()) {
            Optional<Path> df = compose.dockerfile(compose.service(name));
            if (df.isEmpty()) {
                continue;
            }
            String module = builtModule(name).orElseThrow();
            if (module.equals("demo")) {
                // the demo module is written in parallel with these files; checked as soon as it exists
                Assumptions.assumeTrue(Files.isRegularFile(Repo.root().resolve("demo/pom.xml")),
                        "module demo does not exist yet");
            }
            checkDockerfile(Dockerfile.read(df.get()), module, rootPom);
        }
    }

    @Test
    void theCudaTrainerImageBuildsWithTheCudaProfileOnACudaBase() {
        Dockerfile cuda = Dockerfile.read(Repo.root().resolve("deploy/docker/Dockerfile.trainer-cuda"));
        checkDockerfile(cuda, "trainer", Repo.read(Repo.root().resolve("pom.xml")));
        assertTrue(cuda.runtimeBase().startsWith("nvidia/cuda:11.6"), "CUDA 11.6 runtime base, is " + cuda.runtimeBase());
        assertTrue(cuda.all("RUN").stream().anyMatch(r -> r.contains("mvnw") && r.contains("-Pcuda")), "built with -Pcuda");
        assertTrue(Repo.read(Repo.root().resolve("flow/pom.xml")).contains("<id>cuda</id>"),
                "module flow has no 'cuda' profile for -Pcuda to select");
        assertEquals(module("trainer").port(), cuda.exposed().get(0));
        checkEnvironment("trainer", cuda.env(), cuda.path().toString());
        Dockerfile cpu = Dockerfile.read(Repo.root().resolve("deploy/docker/Dockerfile.trainer"));
        assertEquals("1", cpu.env().get("OMP_NUM_THREADS"), "CPU trainer image pins OpenMP to one thread");
    }

    private static void checkDockerfile(Dockerfile d, String module, String rootPom) {
        Path dir = Repo.root().resolve(module);
        assertTrue(Files.isRegularFile(dir.resolve("pom.xml")), d.path() + " builds module " + module + " which has no pom.xml");
        assertTrue(rootPom.contains("<module>" + module + "</module>"), "module " + module + " is not in the root pom");
        String pom = Repo.read(dir.resolve("pom.xml"));
        String artifactId = "normalcy-" + module;
        assertTrue(pom.contains("<artifactId>" + artifactId + "</artifactId>"), module + "/pom.xml artifactId is not " + artifactId);
        assertTrue(pom.contains("copy-dependencies") && pom.contains("${project.build.directory}/lib"),
                module + "/pom.xml does not copy its dependencies to target/lib, which " + d.path() + " copies");
        assertTrue(d.copiedJars().stream().anyMatch(j -> j.equals(module + "/target/" + artifactId + "-*.jar")),
                d.path() + " copies " + d.copiedJars() + ", not " + module + "/target/" + artifactId + "-*.jar");
        String[] entry = d.entrypoint().replaceAll("[\\[\\]\",]", " ").trim().split("\\s+");
        String mainClass = entry[entry.length - 1];
        Path mainSource = dir.resolve("src/main/java/" + mainClass.replace('.', '/') + ".java");
        assertTrue(Files.isRegularFile(mainSource), d.path() + " starts " + mainClass + ", but " + mainSource + " does not exist");
        assertTrue(pom.contains("<exec.mainClass>" + mainClass + "</exec.mainClass>") || !pom.contains("<exec.mainClass>"),
                d.path() + " main class " + mainClass + " differs from exec.mainClass in " + module + "/pom.xml");
        assertTrue(d.all("FROM").get(0).startsWith("eclipse-temurin:17-jdk"), d.path() + ": build stage on eclipse-temurin:17-jdk");
        String user = d.user();
        assertFalse(user.isEmpty() || user.startsWith("root") || user.startsWith("0"), d.path() + " runs as root");
        assertTrue(d.env().getOrDefault("JAVA_TOOL_OPTIONS", "").contains("MaxRAMPercentage"),
                d.path() + ": heap must follow the container limit (-XX:MaxRAMPercentage)");
        if (SERVICE_MODULES.contains(module)) {
            ServiceModule m = module(module);
            assertEquals(List.of(m.port()), d.exposed(), d.path() + " EXPOSE vs micronaut.server.port of " + module);
            Map.Entry<Integer, String> url = Compose.localUrl(d.healthcheck())
                    .orElseThrow(() -> new AssertionError(d.path() + " has no HTTP HEALTHCHECK"));
            assertEquals(m.managementPort(), url.getKey(), d.path() + " HEALTHCHECK port");
            assertTrue(Set.of(m.healthPath(), m.livenessPath(), m.readinessPath()).contains(url.getValue()),
                    d.path() + " HEALTHCHECK path " + url.getValue() + " is not a health endpoint of " + module);
            checkEnvironment(module, d.env(), d.path().toString());
        }
    }

    @Test
    void publishedPortsAndHealthchecksUseTheServicesPorts() {
        for (String name : SERVICE_MODULES) {
            ServiceModule m = module(builtModule(name).orElseThrow());
            Map<String, Object> s = compose.service(name);
            List<Integer> ports = Compose.containerPorts(s);
            assertFalse(ports.isEmpty(), name + " publishes no port");
            assertTrue(ports.stream().allMatch(p -> p == m.port() || p == m.managementPort()),
                    name + ": container ports " + ports + " but micronaut.server.port is " + m.port());
            Map.Entry<Integer, String> url = Compose.localUrl(Compose.healthcheck(s))
                    .orElseThrow(() -> new AssertionError(name + ": healthcheck does not call an HTTP endpoint"));
            assertEquals(m.managementPort(), url.getKey(), name + ": healthcheck port");
            assertEquals(m.readinessPath(), url.getValue(), name + ": healthcheck path");
        }
        List<Integer> host = new ArrayList<>();
        compose.services().keySet().forEach(n -> host.addAll(Compose.hostPorts(compose.service(n))));
        assertEquals(host.size(), Set.copyOf(host).size(), "two services publish the same host port: " + host);
    }

    @Test
    void environmentKeysMapToConfigurationTheServicesRead() {
        for (String name : compose.services().keySet()) {
            Map<String, String> env = Compose.environment(compose.service(name));
            Optional<String> module = builtModule(name);
            if (module.isPresent() && SERVICE_MODULES.contains(module.get())) {
                checkEnvironment(module.get(), env, "docker-compose.yml service " + name);
            } else if (module.isPresent()) {
                env.keySet().forEach(k -> assertTrue(ServiceModule.PLATFORM_ENV.contains(k),
                        "docker-compose.yml service " + name + ": environment " + k + " is read by nothing"));
            }
        }
    }

    /** What a user puts in .env (or the shell) before {@code docker compose up}: random keys, here fixed. */
    private static final Map<String, String> USER_VARIABLES = Map.of(
            "NORMALCY_ADMIN_API_KEY", "compose-test-admin-key-0123456789",
            "NORMALCY_READ_API_KEY", "compose-test-read-key-0123456789");

    @Test
    void theTrainerStartsWithItsComposeEnvironmentAndDefinesTheDemoModel() {
        Map<String, String> env = Compose.environment(compose.service("trainer"), USER_VARIABLES);
        assertEquals(List.of("payments"), TrainerBoot.check(env, "docker-compose.yml service trainer"));
    }

    @Test
    void theHttpApisNeedKeysThatComposeTakesFromTheUsersEnvironment() {
        for (String name : SERVICE_MODULES) {
            String where = "docker-compose.yml service " + name;
            Map<String, String> raw = Compose.environment(compose.service(name));
            // no key is written in the file: each is a required variable (compose stops with the message if unset)
            raw.forEach((k, v) -> {
                if (k.startsWith("NORMALCY_SECURITY_API_KEYS_") && k.endsWith("_KEY")) {
                    assertTrue(v.matches("\\$\\{[A-Z0-9_]+:?\\?[^}]*}") && Compose.requiredVariables(v).size() == 1,
                            where + ": " + k + " must be exactly one required variable, ${VAR:?message}: " + v);
                }
            });
            AssertionError missing = assertThrows(AssertionError.class,
                    () -> Compose.environment(compose.service(name), Map.of()));
            assertTrue(missing.getMessage().contains("openssl rand -hex 32"), where + ": " + missing.getMessage());

            SecuritySettings security = SecurityBoot.check(
                    Compose.environment(compose.service(name), USER_VARIABLES), where);
            assertTrue(security.enabled(), where + ": authentication must be on");
            assertEquals(List.of("admin [admin]", "reader [read]"),
                    security.apiKeys().stream().map(Object::toString).toList(), where);
            assertFalse(security.protectMetrics(), where + ": Prometheus scrapes /prometheus without credentials");
        }
    }

    static void checkEnvironment(String module, Map<String, String> env, String where) {
        ServiceModule m = module(module);
        List<String> unknown = env.keySet().stream().filter(k -> m.explainEnv(k).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            fail(where + ": environment " + unknown + " maps to no configuration key that " + module + " reads "
                    + "(Micronaut env-var rules; declared keys: " + m.keys() + ")");
        }
    }

    @Test
    void detectorAndTrainerCreateTopicsWithTheSamePartitionCount() {
        // both services run ensureTopics; the trainer uses Topics.defaults(), so the detector must agree or the
        // partition count depends on which one starts first
        ServiceModule detector = module("detector");
        String key = "normalcy.detector.topic-partitions";
        String partitions = detector.value(key, Compose.environment(compose.service("detector")))
                .orElseThrow(() -> new AssertionError("detector declares no " + key + " (renamed?)"));
        assertEquals(io.normalcy.schemas.topics.Topics.defaults().features().partitions(), Integer.parseInt(partitions),
                "docker-compose.yml detector " + key);
        assertEquals("true", detector.value("normalcy.detector.ensure-topics", Compose.environment(compose.service("detector")))
                .orElse("missing"), "the compose stack relies on the detector creating its topics");
    }

    @Test
    void clientsReachKafkaThroughAnAdvertisedListener() {
        Map<String, String> kafkaEnv = Compose.environment(compose.service("kafka"));
        Map<String, String> advertised = new LinkedHashMap<>(); // host:port -> listener
        for (String l : kafkaEnv.getOrDefault("KAFKA_ADVERTISED_LISTENERS", "").split(",")) {
            String[] nameAndAddr = l.trim().split("://");
            advertised.put(nameAndAddr[1], nameAndAddr[0]);
        }
        assertFalse(advertised.isEmpty(), "kafka: KAFKA_ADVERTISED_LISTENERS missing");
        String hostname = String.valueOf(compose.service("kafka").getOrDefault("hostname", "kafka"));
        List<String> bootstraps = new ArrayList<>();
        for (String name : compose.services().keySet()) {
            String b = Compose.environment(compose.service(name)).get("KAFKA_BOOTSTRAP_SERVERS");
            if (b != null) {
                bootstraps.add(name + "=" + b);
            }
            List<Object> cmd = Repo.list(compose.service(name), "command");
            int i = cmd.indexOf("--bootstrap-servers");
            if (i >= 0) {
                bootstraps.add(name + "=" + cmd.get(i + 1));
            }
        }
        assertTrue(bootstraps.size() >= 3, "trainer, detector and demo must be given the broker: " + bootstraps);
        for (String nb : bootstraps) {
            String addr = nb.substring(nb.indexOf('=') + 1);
            assertTrue(advertised.containsKey(addr), nb + " is not an advertised listener " + advertised.keySet());
            assertTrue(addr.startsWith(hostname + ":") || addr.startsWith("kafka:"), nb + " must use the in-network name");
        }
        // the host listener is published on the same port
        advertised.forEach((addr, listener) -> {
            if (addr.startsWith("localhost:")) {
                int port = Integer.parseInt(addr.substring(addr.indexOf(':') + 1));
                assertTrue(Compose.hostPorts(compose.service("kafka")).contains(port),
                        "listener " + listener + " advertises " + addr + " but the port is not published");
            }
        });
        assertTrue(kafkaEnv.getOrDefault("KAFKA_PROCESS_ROLES", "").contains("controller"), "KRaft combined mode");
    }

    @Test
    void dependenciesWaitForHealthyServices() {
        for (String name : List.of("trainer", "detector", "demo")) {
            assertEquals("service_healthy", Repo.at(compose.service(name), "depends_on", "kafka", "condition"),
                    name + " must wait for a healthy broker");
        }
        for (String name : compose.services().keySet()) {
            Repo.map(compose.service(name), "depends_on").forEach((dep, cond) -> {
                assertTrue(compose.services().containsKey(dep), name + " depends on unknown service " + dep);
                if ("service_healthy".equals(Repo.at(cond, "condition"))) {
                    assertFalse(Compose.healthcheck(compose.service(dep)).isEmpty(),
                            name + " waits for " + dep + " to be healthy, but " + dep + " has no healthcheck");
                }
            });
            if (!name.equals("demo")) {
                assertFalse(Compose.healthcheck(compose.service(name)).isEmpty(), name + " has no healthcheck");
            }
        }
    }

    @Test
    void prometheusScrapesTheMetricsEndpointOfBothServices() {
        Map<String, Object> prom = compose.service("prometheus");
        assertTrue(String.valueOf(prom.get("image")).startsWith("prom/prometheus"), "prom/prometheus image");
        Path config = null;
        for (Object v : Repo.list(prom, "volumes")) {
            String[] parts = String.valueOf(v).split(":");
            if (parts[1].equals("/etc/prometheus/prometheus.yml")) {
                config = compose.file.getParent().resolve(parts[0]).normalize();
            }
        }
        assertTrue(config != null && Files.isRegularFile(config), "prometheus.yml is not mounted from an existing file: " + config);
        assertEquals(Repo.root().resolve("deploy/prometheus/prometheus.yml"), config);
        Set<String> scraped = new java.util.HashSet<>();
        for (Object job : Repo.list(Repo.yaml(config), "scrape_configs")) {
            String path = String.valueOf(Repo.map(job).getOrDefault("metrics_path", "/metrics"));
            for (Object sc : Repo.list(job, "static_configs")) {
                for (Object t : Repo.list(sc, "targets")) {
                    String[] hp = String.valueOf(t).split(":");
                    String service = hp[0];
                    Optional<String> module = compose.services().containsKey(service) ? builtModule(service) : Optional.empty();
                    assertTrue(module.isPresent() && SERVICE_MODULES.contains(module.get()),
                            "Prometheus target " + t + " is not a trainer/detector compose service");
                    ServiceModule m = module(module.get());
                    assertEquals(m.managementPort(), Integer.parseInt(hp[1]), "Prometheus target port of " + service);
                    assertEquals(m.prometheusPath(), path, "metrics_path of " + service);
                    scraped.add(service);
                }
            }
        }
        assertEquals(SERVICE_MODULES, scraped, "Prometheus must scrape both services");
    }
}
