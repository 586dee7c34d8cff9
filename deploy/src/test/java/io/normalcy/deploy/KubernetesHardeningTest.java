package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered overlays lock the pods down: the runtime's default seccomp profile, non-root, no privilege
 * escalation; NetworkPolicies that deny by default and open only each service's HTTP port (to its namespace
 * and the monitoring namespace), DNS, and the Kafka bootstrap port of the rendered KAFKA_BOOTSTRAP_SERVERS in
 * the Kafka cluster's namespace, so a changed bootstrap address or port cannot silently cut the services off.
 */
class KubernetesHardeningTest {

    private static final Path K8S = Repo.root().resolve("deploy/k8s");
    private static final Map<String, ServiceModule> MODULES = new LinkedHashMap<>();

    static Stream<String> kustomizations() throws java.io.IOException {
        return KubernetesManifestsTest.kustomizations();
    }

    private static Rendered render(String dir) {
        return new Rendered(dir, KustomizeRenderer.render(K8S.resolve(dir)));
    }

    private static ServiceModule module(String name) {
        return MODULES.computeIfAbsent(name, ServiceModule::load);
    }

    /**
     * The core kinds at the API version a current cluster serves (a removed beta version is rejected by
     * {@code kubectl apply}), with metadata.name and the top-level sections their kind has and nothing else;
     * {@link KubernetesModelsTest} checks every deeper field against the typed API models.
     */
    private static final Map<String, String> CORE_API_VERSIONS = Map.of("Deployment", "apps/v1", "StatefulSet", "apps/v1",
            "Service", "v1", "ConfigMap", "v1", "Secret", "v1", "Namespace", "v1", "NetworkPolicy", "networking.k8s.io/v1",
            "PodDisruptionBudget", "policy/v1", "HorizontalPodAutoscaler", "autoscaling/v2");
    private static final Set<String> DATA_KINDS = Set.of("ConfigMap", "Secret");

    @ParameterizedTest
    @MethodSource("kustomizations")
    void coreKindsUseServedApiVersionsAndTheirKnownTopLevelFields(String dir) {
        for (Map<String, Object> o : render(dir).resources()) {
            String kind = String.valueOf(o.get("kind"));
            if (!CORE_API_VERSIONS.containsKey(kind)) {
                continue;
            }
            assertEquals(CORE_API_VERSIONS.get(kind), o.get("apiVersion"), dir + ": " + Kustomize.id(o) + " apiVersion");
            assertTrue(Repo.at(o, "metadata", "name") instanceof String, dir + ": " + Kustomize.id(o) + " metadata.name");
            Set<String> allowed = DATA_KINDS.contains(kind)
                    ? Set.of("apiVersion", "kind", "metadata", "data", "stringData", "binaryData", "type", "immutable")
                    : Set.of("apiVersion", "kind", "metadata", "spec");
            assertTrue(allowed.containsAll(o.keySet()), dir + ": " + Kustomize.id(o) + " has fields " + o.keySet()
                    + " outside " + allowed);
            if (!DATA_KINDS.contains(kind) && !kind.equals("Namespace")) {
                assertTrue(o.get("spec") instanceof Map<?, ?>, dir + ": " + Kustomize.id(o) + " has no spec");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void podsRunWithTheRuntimeDefaultSeccompProfileAsNonRootWithoutPrivilegeEscalation(String dir) {
        Rendered r = render(dir);
        List<Map<String, Object>> workloads = new ArrayList<>(r.ofKind("Deployment"));
        workloads.addAll(r.ofKind("StatefulSet"));
        assertFalse(workloads.isEmpty(), dir + ": no workloads");
        for (Map<String, Object> w : workloads) {
            String where = dir + ": " + Kustomize.id(w);
            Map<String, Object> pod = Repo.map(w, "spec", "template", "spec");
            assertEquals("RuntimeDefault", Repo.at(pod, "securityContext", "seccompProfile", "type"),
                    where + " pod securityContext.seccompProfile.type");
            assertEquals(Boolean.TRUE, Repo.at(pod, "securityContext", "runAsNonRoot"), where + " runAsNonRoot");
            for (Object c : Repo.list(pod, "containers")) {
                String cw = where + " container " + Repo.at(c, "name");
                assertEquals(Boolean.FALSE, Repo.at(c, "securityContext", "allowPrivilegeEscalation"), cw + " allowPrivilegeEscalation");
                assertEquals(List.of("ALL"), Repo.list(c, "securityContext", "capabilities", "drop"), cw + " capabilities.drop");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void networkPoliciesDenyByDefaultAndOpenOnlyTheHttpPortDnsAndKafka(String dir) {
        Rendered r = render(dir);
        List<Map<String, Object>> policies = r.ofKind("NetworkPolicy");
        assertTrue(policies.stream().anyMatch(p -> Repo.map(p, "spec", "podSelector").isEmpty()
                        && Set.copyOf(Repo.list(p, "spec", "policyTypes")).equals(Set.of("Ingress", "Egress"))
                        && Repo.list(p, "spec", "ingress").isEmpty() && Repo.list(p, "spec", "egress").isEmpty()),
                dir + ": no default-deny NetworkPolicy (empty podSelector, Ingress+Egress, no rules)");
        for (Rendered.Container c : r.containers()) {
            String where = dir + ": " + c.module();
            Map<String, Object> labels = Repo.map(c.deployment(), "spec", "template", "metadata", "labels");
            List<Map<String, Object>> own = policies.stream()
                    .filter(p -> !Repo.map(p, "spec", "podSelector").isEmpty())
                    .filter(p -> labels.entrySet().containsAll(Repo.map(p, "spec", "podSelector", "matchLabels").entrySet()))
                    .toList();
            assertFalse(own.isEmpty(), where + ": no NetworkPolicy selects its pods");
            Set<Integer> ingressPorts = new TreeSet<>();
            List<Object[]> egress = new ArrayList<>();
            for (Map<String, Object> p : own) {
                for (Object rule : Repo.list(p, "spec", "ingress")) {
                    assertFalse(Repo.list(rule, "from").isEmpty(), where + ": " + Kustomize.id(p) + " admits ingress from anywhere");
                    Repo.list(rule, "ports").forEach(port -> ingressPorts.add(
                            Rendered.resolvePort(c.spec(), Repo.at(port, "port"), Kustomize.id(p))));
                }
                for (Object rule : Repo.list(p, "spec", "egress")) {
                    assertFalse(Repo.list(rule, "to").isEmpty(), where + ": " + Kustomize.id(p) + " allows egress anywhere");
                    for (Object to : Repo.list(rule, "to")) {
                        for (Object port : Repo.list(rule, "ports")) {
                            egress.add(new Object[] {Repo.at(to, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name"),
                                    Repo.at(port, "protocol"), Repo.at(port, "port")});
                        }
                    }
                }
            }
            assertEquals(Set.of(module(c.module()).port()), ingressPorts,
                    where + ": ingress must be open on the HTTP port only");
            assertTrue(egress.stream().anyMatch(e -> "UDP".equals(e[1]) && Integer.valueOf(53).equals(e[2])), where + ": no DNS egress");
            String bootstrap = r.environment(c).get("KAFKA_BOOTSTRAP_SERVERS");
            for (String server : bootstrap.split(",")) {
                String host = server.trim().substring(0, server.trim().lastIndexOf(':'));
                int port = Integer.parseInt(server.trim().substring(server.trim().lastIndexOf(':') + 1));
                String[] parts = host.split("\\.");
                assertTrue(parts.length >= 3 && parts[2].equals("svc"), where + ": bootstrap " + server
                        + " is not <service>.<namespace>.svc: cannot check the egress rule");
                assertTrue(egress.stream().anyMatch(e -> parts[1].equals(e[0]) && Integer.valueOf(port).equals(e[2])),
                        where + ": no egress to namespace " + parts[1] + " port " + port + " (KAFKA_BOOTSTRAP_SERVERS " + bootstrap + ")");
            }
        }
    }
}
