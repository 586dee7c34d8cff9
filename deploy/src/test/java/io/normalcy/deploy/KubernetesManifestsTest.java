package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.normalcy.schemas.topics.TopicDescriptor;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the Kustomize base and every overlay under deploy/k8s and checks them against the code: KafkaTopics
 * equal the schemas module's topic descriptors (built with the detector's effective topic names, partitions and
 * replication), detector replicas and HPA never exceed the partitions of the features topic, probes and
 * Services use the real health endpoints and port, environment keys map to configuration the services read,
 * every referenced ConfigMap/Secret (and key) exists, metrics scraping uses the Prometheus endpoint, and only
 * the GPU overlay asks for a GPU.
 */
class KubernetesManifestsTest {

    private static final Path K8S = Repo.root().resolve("deploy/k8s");
    private static final Map<String, ServiceModule> MODULES = new LinkedHashMap<>();

    static ServiceModule module(String name) {
        return MODULES.computeIfAbsent(name, ServiceModule::load);
    }

    /** base and every overlay (any directory with a kustomization.yaml). */
    static Stream<String> kustomizations() throws IOException {
        try (Stream<Path> s = Files.walk(K8S)) {
            return s.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(p -> K8S.relativize(p.getParent()).toString()).sorted().toList().stream();
        }
    }

    private static Rendered render(String dir) {
        return new Rendered(dir, KustomizeRenderer.render(K8S.resolve(dir)));
    }

    @Test
    void everyYamlFileParsesAndIsUsedByAKustomization() throws IOException {
        Set<Path> used = new HashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(K8S)) {
            files = s.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        for (Path f : files) {
            for (Map<String, Object> doc : Repo.yamlDocuments(f)) {
                assertNotNull(doc.get("apiVersion"), f + ": document without apiVersion");
                assertNotNull(doc.get("kind"), f + ": document without kind");
                if (!"Kustomization".equals(doc.get("kind"))) {
                    assertNotNull(Repo.at(doc, "metadata", "name"), f + ": document without metadata.name");
                }
            }
            if (f.getFileName().toString().equals("kustomization.yaml")) {
                used.add(f);
                Map<String, Object> k = Repo.yaml(f);
                Repo.list(k, "resources").forEach(r -> used.add(f.getParent().resolve(String.valueOf(r)).normalize()));
                Repo.list(k, "patches").forEach(p -> used.add(f.getParent().resolve(String.valueOf(Repo.at(p, "path"))).normalize()));
            }
        }
        for (Path f : files) {
            assertTrue(used.contains(f), f + " is not referenced by any kustomization.yaml");
        }
        assertTrue(kustomizations().toList().containsAll(List.of("base", "overlays/dev", "overlays/gpu", "overlays/prod")));
    }

    /** Kinds that live outside namespaces (Kustomize's namespace transformer leaves them alone). */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PriorityClass", "StorageClass", "PersistentVolume");

    /**
     * Every namespaced resource lands in the one Namespace the rendering declares: a resource without
     * metadata.namespace goes to whatever namespace kubectl's context has, away from the Secrets, Services and
     * NetworkPolicies it belongs with (a PodDisruptionBudget or ServiceMonitor there selects nothing).
     */
    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyNamespacedResourceIsInTheOverlaysNamespace(String dir) {
        Rendered r = render(dir);
        List<Object> declared = r.ofKind("Namespace").stream().map(n -> Repo.at(n, "metadata", "name")).toList();
        assertEquals(1, declared.size(), dir + ": declares Namespaces " + declared);
        Object namespace = declared.get(0);
        List<String> misplaced = r.resources().stream()
                .filter(o -> !CLUSTER_SCOPED.contains(String.valueOf(o.get("kind"))))
                .filter(o -> !namespace.equals(Repo.at(o, "metadata", "namespace")))
                .map(o -> Kustomize.id(o) + " in " + Repo.at(o, "metadata", "namespace")).toList();
        assertEquals(List.of(), misplaced, dir + ": resources outside namespace " + namespace);
    }

    /**
     * Where kubectl is installed, the Java fallback must render exactly what real Kustomize renders, so a
     * machine without kubectl checks the same manifests.
     */
    @ParameterizedTest
    @MethodSource("kustomizations")
    void theJavaFallbackRendersWhatKubectlRenders(String dir) {
        Optional<List<Map<String, Object>>> real = KustomizeRenderer.renderWithKubectl(K8S.resolve(dir));
        Assumptions.assumeTrue(real.isPresent(), "kubectl is not installed: nothing to compare the fallback with");
        Map<String, Object> expected = new TreeMap<>();
        real.get().forEach(o -> expected.put(Kustomize.id(o), o));
        Map<String, Object> actual = new TreeMap<>();
        Kustomize.build(K8S.resolve(dir)).forEach(o -> actual.put(Kustomize.id(o), o));
        assertEquals(expected.keySet(), actual.keySet(), dir + ": resources");
        expected.forEach((id, o) -> assertEquals(o, actual.get(id), dir + ": " + id + " differs between kubectl kustomize and the fallback"));
    }

    /** The descriptors the services would create, with the detector's effective settings in this rendering. */
    private static List<TopicDescriptor<?, ?>> expectedTopics(Rendered r) {
        ServiceModule detector = module("detector");
        Map<String, String> env = r.environment(r.container("detector"));
        String p = "normalcy.detector.";
        int partitions = Integer.parseInt(required(detector, p + "topic-partitions", env, r));
        short replication = Short.parseShort(required(detector, p + "replication-factor", env, r));
        return new Topics(topicNames(r), partitions, replication).all();
    }

    /** The topic names in effect for the detector in this rendering (the trainer uses the defaults). */
    static TopicNames topicNames(Rendered r) {
        ServiceModule detector = module("detector");
        Map<String, String> env = r.environment(r.container("detector"));
        String p = "normalcy.detector.";
        String inputs = required(detector, p + "topics.inputs", env, r);
        String features = inputs.split(",")[0].split(":")[0].trim();
        TopicNames names = new TopicNames(features, required(detector, p + "topics.scores", env, r),
                required(detector, p + "topics.alerts", env, r), required(detector, p + "topics.models", env, r),
                required(detector, p + "topics.retrain", env, r), required(detector, p + "topics.subscriptions", env, r),
                required(detector, p + "topics.dlq", env, r), required(detector, p + "topics.parking", env, r),
                TopicNames.defaults().trainingStatus());
        return names;
    }

    static String required(ServiceModule m, String key, Map<String, String> env, Rendered r) {
        return m.value(key, env).orElseThrow(() -> new AssertionError(r.label() + ": detector key " + key
                + " has no value (renamed in the code? declared keys: " + m.keys() + ")"));
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void kafkaTopicsMatchTheTopicDescriptors(String dir) {
        Rendered r = render(dir);
        Map<String, Map<String, Object>> byTopic = new TreeMap<>();
        for (Map<String, Object> t : r.ofKind("KafkaTopic")) {
            assertEquals("kafka.strimzi.io/v1beta2", t.get("apiVersion"), Kustomize.id(t));
            assertNotNull(Repo.at(t, "metadata", "labels", "strimzi.io/cluster"), Kustomize.id(t) + " needs strimzi.io/cluster");
            Object topicName = Repo.map(t, "spec").getOrDefault("topicName", Repo.at(t, "metadata", "name"));
            assertTrue(byTopic.put(String.valueOf(topicName), t) == null, dir + ": topic " + topicName + " defined twice");
        }
        List<TopicDescriptor<?, ?>> expected = expectedTopics(r);
        // the trainer reads and writes the default names (TrainerFactory: Topics.defaults())
        assertEquals(TopicNames.defaults().all(), expected.stream().map(TopicDescriptor::name).toList(),
                dir + ": the detector's topic names differ from the defaults the trainer uses");
        for (TopicDescriptor<?, ?> d : expected) {
            Map<String, Object> t = byTopic.get(d.name());
            assertNotNull(t, dir + ": no KafkaTopic for " + d.name() + " (have " + byTopic.keySet() + ")");
            String what = dir + ": KafkaTopic " + d.name();
            Object partitions = Repo.at(t, "spec", "partitions");
            assertEquals(d.partitions() == TopicDescriptor.BROKER_DEFAULT ? null : d.partitions(), partitions, what + " partitions");
            Object replicas = Repo.at(t, "spec", "replicas");
            assertEquals(d.replicationFactor() == TopicDescriptor.BROKER_DEFAULT ? null : (int) d.replicationFactor(), replicas,
                    what + " replicas (vs normalcy.detector.replication-factor)");
            Map<String, String> config = new TreeMap<>();
            Repo.map(t, "spec", "config").forEach((k, v) -> config.put(k, String.valueOf(v)));
            assertEquals(new TreeMap<>(d.configs()), config, what + " config");
        }
        assertEquals(expected.stream().map(TopicDescriptor::name).sorted().toList(), List.copyOf(byTopic.keySet()),
                dir + ": KafkaTopics that no descriptor defines");
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void detectorReplicasNeverExceedThePartitionsOfTheFeaturesTopic(String dir) {
        Rendered r = render(dir);
        String features = expectedTopics(r).get(0).name();
        int partitions = r.ofKind("KafkaTopic").stream()
                .filter(t -> features.equals(Repo.map(t, "spec").getOrDefault("topicName", Repo.at(t, "metadata", "name"))))
                .map(t -> (Integer) Repo.at(t, "spec", "partitions")).findFirst()
                .orElseThrow(() -> new AssertionError(dir + ": no KafkaTopic " + features));
        Rendered.Container detector = r.container("detector");
        String deployment = String.valueOf(Repo.at(detector.deployment(), "metadata", "name"));
        int threads = Integer.parseInt(r.environment(detector).getOrDefault("KAFKA_STREAMS_DETECTOR_NUM_STREAM_THREADS", "1"));
        Object replicas = Repo.at(detector.deployment(), "spec", "replicas");
        assertTrue(replicas instanceof Integer n && n * threads <= partitions,
                dir + ": detector replicas " + replicas + " × " + threads + " threads > " + partitions + " partitions of " + features);
        List<Map<String, Object>> hpas = r.ofKind("HorizontalPodAutoscaler").stream()
                .filter(h -> deployment.equals(Repo.at(h, "spec", "scaleTargetRef", "name"))).toList();
        assertEquals(1, hpas.size(), dir + ": one HorizontalPodAutoscaler for " + deployment);
        int max = (Integer) Repo.at(hpas.get(0), "spec", "maxReplicas");
        Object min = Repo.at(hpas.get(0), "spec", "minReplicas");
        assertTrue(max * threads <= partitions, dir + ": HPA maxReplicas " + max + " × " + threads
                + " threads > " + partitions + " partitions of " + features);
        assertTrue(min == null || (Integer) min <= max, dir + ": HPA minReplicas > maxReplicas");
        for (Map<String, Object> h : r.ofKind("HorizontalPodAutoscaler")) {
            String target = String.valueOf(Repo.at(h, "spec", "scaleTargetRef", "name"));
            assertTrue(r.find(String.valueOf(Repo.at(h, "spec", "scaleTargetRef", "kind")), target).isPresent(),
                    dir + ": HPA targets missing " + target);
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void probesPortsAndServicesUseTheServicesEndpoints(String dir) {
        Rendered r = render(dir);
        assertEquals(Set.of("detector", "trainer"), Set.copyOf(r.containers().stream().map(Rendered.Container::module).toList()));
        for (Rendered.Container c : r.containers()) {
            ServiceModule m = module(c.module());
            String where = dir + ": container " + c.name();
            List<Integer> ports = Repo.list(c.spec(), "ports").stream().map(p -> (Integer) Repo.at(p, "containerPort")).toList();
            assertTrue(ports.contains(m.port()), where + " ports " + ports + " lack micronaut.server.port " + m.port());
            Map<String, String> probes = Map.of("livenessProbe", m.livenessPath(), "readinessProbe", m.readinessPath());
            probes.forEach((probe, path) -> {
                assertEquals(path, Repo.at(c.spec(), probe, "httpGet", "path"), where + " " + probe + " path");
                assertEquals(m.managementPort(), Rendered.resolvePort(c.spec(), Repo.at(c.spec(), probe, "httpGet", "port"), where),
                        where + " " + probe + " port");
            });
            if (Repo.at(c.spec(), "startupProbe") != null) {
                assertTrue(Set.of(m.healthPath(), m.livenessPath(), m.readinessPath()).contains(Repo.at(c.spec(), "startupProbe", "httpGet", "path")),
                        where + " startupProbe path");
                assertEquals(m.managementPort(), Rendered.resolvePort(c.spec(), Repo.at(c.spec(), "startupProbe", "httpGet", "port"), where));
            }
            for (String res : List.of("cpu", "memory")) {
                assertNotNull(Repo.at(c.spec(), "resources", "requests", res), where + " resources.requests." + res);
            }
            assertNotNull(Repo.at(c.spec(), "resources", "limits", "memory"), where + " resources.limits.memory");
        }
        for (Map<String, Object> svc : r.ofKind("Service")) {
            Map<String, Object> selector = Repo.map(svc, "spec", "selector");
            List<Rendered.Container> backends = r.containers().stream()
                    .filter(c -> Repo.map(c.deployment(), "spec", "template", "metadata", "labels").entrySet().containsAll(selector.entrySet()))
                    .toList();
            assertEquals(1, backends.size(), dir + ": Service " + Kustomize.id(svc) + " selects " + backends.size() + " containers");
            for (Object p : Repo.list(svc, "spec", "ports")) {
                Object target = Repo.map(p).getOrDefault("targetPort", Repo.at(p, "port"));
                assertEquals(module(backends.get(0).module()).port(), Rendered.resolvePort(backends.get(0).spec(), target, Kustomize.id(svc)),
                        dir + ": " + Kustomize.id(svc) + " targetPort");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void environmentMapsToConfigurationTheServicesRead(String dir) {
        Rendered r = render(dir);
        for (Rendered.Container c : r.containers()) {
            ServiceModule m = module(c.module());
            List<String> unknown = r.environment(c).keySet().stream().filter(k -> m.explainEnv(k).isEmpty()).toList();
            if (!unknown.isEmpty()) {
                fail(dir + ": container " + c.name() + " gets " + unknown + " which map to no configuration key of "
                        + c.module() + " (Micronaut env-var rules; declared: " + m.keys() + ")");
            }
        }
        TrainerBoot.check(r.environment(r.container("trainer")), dir + ": trainer container");
        // Kafka security reaches both services, from the Secret
        for (String module : List.of("detector", "trainer")) {
            Map<String, String> env = r.environment(r.container(module));
            for (String k : List.of("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "KAFKA_SASL_JAAS_CONFIG")) {
                assertTrue(env.containsKey(k), dir + ": " + module + " does not get " + k);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void bothServicesAuthenticateWithApiKeysFromASecretThatHoldsOnlyPlaceholders(String dir) {
        Rendered r = render(dir);
        for (String module : List.of("detector", "trainer")) {
            Rendered.Container c = r.container(module);
            String where = dir + ": " + module;
            Map<String, String> env = r.environment(c);
            for (String key : List.of("NORMALCY_SECURITY_API_KEYS_ADMIN_KEY", "NORMALCY_SECURITY_API_KEYS_READER_KEY")) {
                assertEquals("<ref>", env.get(key), where + ": " + key + " must come from a Secret");
                Object ref = Repo.list(c.spec(), "env").stream().filter(e -> key.equals(Repo.at(e, "name")))
                        .map(e -> Repo.at(e, "valueFrom", "secretKeyRef")).findFirst().orElseThrow();
                String placeholder = r.data("Secret", String.valueOf(Repo.at(ref, "name"))).get(String.valueOf(Repo.at(ref, "key")));
                assertTrue(placeholder != null && placeholder.startsWith("CHANGE-ME"),
                        where + ": the committed " + key + " must be a placeholder, is " + placeholder);
                // a forgotten placeholder stops start-up instead of becoming a guessable key
                Map<String, String> unreplaced = new LinkedHashMap<>(SecurityBoot.withSecrets(env));
                unreplaced.put(key, placeholder);
                assertThrows(io.normalcy.security.SecurityConfigException.class, () -> SecurityBoot.read(unreplaced, where));
            }
            io.normalcy.security.SecuritySettings security = SecurityBoot.check(SecurityBoot.withSecrets(env), where);
            assertTrue(security.enabled(), where + ": authentication must be on");
            assertEquals(List.of("admin [admin]", "reader [read]"), security.apiKeys().stream().map(Object::toString).toList(),
                    where);
            assertFalse(security.protectMetrics(), where + ": the ServiceMonitors and prometheus.io annotations scrape "
                    + "without credentials");
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void referencedConfigMapsSecretsAndKeysExist(String dir) {
        Rendered r = render(dir);
        for (Map<String, Object> d : r.ofKind("Deployment")) {
            for (String[] ref : Rendered.references(d)) {
                Map<String, String> data = r.data(ref[0], ref[1]);
                if (ref[2] != null) {
                    assertTrue(data.containsKey(ref[2]), dir + ": " + Kustomize.id(d) + " uses key " + ref[2] + " of " + ref[0] + " " + ref[1]);
                }
            }
            for (Object c : Repo.list(d, "spec", "template", "spec", "containers")) {
                Set<String> volumes = new HashSet<>();
                Repo.list(d, "spec", "template", "spec", "volumes").forEach(v -> volumes.add(String.valueOf(Repo.at(v, "name"))));
                for (Object vm : Repo.list(c, "volumeMounts")) {
                    assertTrue(volumes.contains(String.valueOf(Repo.at(vm, "name"))), dir + ": mount of undefined volume " + Repo.at(vm, "name"));
                }
            }
        }
        Set<String> namespaces = new HashSet<>();
        r.ofKind("Namespace").forEach(n -> namespaces.add(String.valueOf(Repo.at(n, "metadata", "name"))));
        for (Map<String, Object> o : r.resources()) {
            Object ns = Repo.at(o, "metadata", "namespace");
            assertTrue(ns == null || namespaces.contains(String.valueOf(ns)), dir + ": " + Kustomize.id(o) + " in undeclared namespace " + ns);
        }
        // the truststore the Kafka settings point at is mounted from a Secret
        for (String module : List.of("detector", "trainer")) {
            Rendered.Container c = r.container(module);
            String location = r.environment(c).get("KAFKA_SSL_TRUSTSTORE_LOCATION");
            if (location != null) {
                assertTrue(Repo.list(c.spec(), "volumeMounts").stream().anyMatch(vm -> location.startsWith(Repo.at(vm, "mountPath") + "/")),
                        dir + ": " + module + " truststore " + location + " is not under a mounted volume");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void metricsScrapingUsesThePrometheusEndpoint(String dir) {
        Rendered r = render(dir);
        for (Rendered.Container c : r.containers()) {
            ServiceModule m = module(c.module());
            Map<String, Object> ann = Repo.map(c.deployment(), "spec", "template", "metadata", "annotations");
            if (ann.containsKey("prometheus.io/scrape")) {
                assertEquals(String.valueOf(m.managementPort()), String.valueOf(ann.get("prometheus.io/port")), dir + ": " + c.name() + " prometheus.io/port");
                assertEquals(m.prometheusPath(), ann.get("prometheus.io/path"), dir + ": " + c.name() + " prometheus.io/path");
            }
        }
        for (Map<String, Object> sm : r.ofKind("ServiceMonitor")) {
            Map<String, Object> match = Repo.map(sm, "spec", "selector", "matchLabels");
            Map<String, Object> svc = r.ofKind("Service").stream()
                    .filter(s -> Repo.map(s, "metadata", "labels").entrySet().containsAll(match.entrySet())).findFirst()
                    .orElseThrow(() -> new AssertionError(dir + ": " + Kustomize.id(sm) + " selects no Service"));
            Rendered.Container backend = r.containers().stream().filter(c -> Repo.map(c.deployment(), "spec", "template", "metadata", "labels")
                    .entrySet().containsAll(Repo.map(svc, "spec", "selector").entrySet())).findFirst().orElseThrow();
            for (Object ep : Repo.list(sm, "spec", "endpoints")) {
                assertTrue(Repo.list(svc, "spec", "ports").stream().anyMatch(p -> Repo.at(ep, "port").equals(Repo.at(p, "name"))),
                        dir + ": " + Kustomize.id(sm) + " port " + Repo.at(ep, "port") + " is not a port name of " + Kustomize.id(svc));
                assertEquals(module(backend.module()).prometheusPath(), Repo.at(ep, "path"), dir + ": " + Kustomize.id(sm) + " path");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void onlyTheGpuOverlayRequestsAGpuAndItRunsTheCudaImage(String dir) {
        Rendered r = render(dir);
        Rendered.Container trainer = r.container("trainer");
        Object gpu = Repo.at(trainer.spec(), "resources", "limits", "nvidia.com/gpu");
        if (dir.equals("overlays/gpu")) {
            assertTrue(gpu instanceof Integer n && n >= 1, "gpu overlay: trainer limits.nvidia.com/gpu is " + gpu);
            assertTrue(String.valueOf(trainer.spec().get("image")).contains("cuda"), "gpu overlay runs " + trainer.spec().get("image"));
            Map<String, Object> pod = Repo.map(trainer.deployment(), "spec", "template", "spec");
            assertFalse(Repo.map(pod, "nodeSelector").isEmpty(), "gpu overlay: trainer needs a GPU node selector");
            assertTrue(Repo.list(pod, "tolerations").stream().anyMatch(t -> "nvidia.com/gpu".equals(Repo.at(t, "key"))),
                    "gpu overlay: trainer tolerates the nvidia.com/gpu taint");
        } else {
            for (Rendered.Container c : r.containers()) {
                assertEquals(null, Repo.at(c.spec(), "resources", "limits", "nvidia.com/gpu"), dir + ": " + c.name() + " asks for a GPU");
                assertFalse(String.valueOf(c.spec().get("image")).contains("cuda"), dir + ": " + c.name() + " runs a CUDA image");
            }
        }
    }
}
