package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of every core-kind resource the overlays render, at any depth, is one the Kubernetes API knows for
 * that kind and version, with a value of the right type: the resources are read into fabric8's typed API model
 * (generated from the Kubernetes OpenAPI schema) and any field that lands in a model's catch-all map is an error.
 * A misspelt {@code seccompProfile} or {@code readOnlyRootFilesystem} is otherwise dropped silently by the API
 * server, and the hardening it was meant to give is gone without a message.
 */
class KubernetesModelsTest {

    private static final Path K8S = Repo.root().resolve("deploy/k8s");

    static Stream<String> kustomizations() throws java.io.IOException {
        return KubernetesManifestsTest.kustomizations();
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyFieldOfEveryRenderedResourceIsKnownToItsApi(String dir) {
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> resource : KustomizeRenderer.render(K8S.resolve(dir))) {
            if (KubernetesModels.isKnownKind(resource)) {
                problems.addAll(KubernetesModels.problems(resource));
                checked++;
            }
        }
        assertTrue(checked > 0, dir + ": no resource of a modelled kind rendered");
        assertEquals(List.of(), problems, dir + ": fields the Kubernetes API does not know");
    }

    @Test
    void aMisspeltNestedFieldIsFoundWithItsPath() {
        Map<String, Object> deployment = deployment(Map.of("runAsNonRoot", true, "seccompProflie", Map.of("type", "RuntimeDefault")));
        List<String> problems = KubernetesModels.problems(deployment);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("spec.template.spec.securityContext") && problems.get(0).contains("seccompProflie"),
                problems.get(0));
    }

    @Test
    void aValueOfTheWrongTypeIsAnError() {
        Map<String, Object> deployment = deployment(Map.of("runAsNonRoot", Map.of("yes", 1)));
        List<String> problems = KubernetesModels.problems(deployment);
        assertFalse(problems.isEmpty());
        assertTrue(problems.get(0).contains("Deployment/d"), problems.get(0));
    }

    @Test
    void aCleanResourceHasNoProblemsAndAnUnmodelledKindIsNotChecked() {
        assertEquals(List.of(), KubernetesModels.problems(deployment(Map.of("runAsNonRoot", true))));
        assertFalse(KubernetesModels.isKnownKind(Map.of("apiVersion", "v1", "kind", "Pod")));
        assertThrows(IllegalArgumentException.class,
                () -> KubernetesModels.problems(Map.of("apiVersion", "policy/v1beta1", "kind", "PodDisruptionBudget")));
    }

    private static Map<String, Object> deployment(Map<String, Object> podSecurityContext) {
        Map<String, Object> container = Map.of("name", "c", "image", "normalcy/detector:1");
        Map<String, Object> podSpec = new LinkedHashMap<>();
        podSpec.put("securityContext", podSecurityContext);
        podSpec.put("containers", List.of(container));
        return Map.of("apiVersion", "apps/v1", "kind", "Deployment", "metadata", Map.of("name", "d"),
                "spec", Map.of("selector", Map.of("matchLabels", Map.of("app", "d")),
                        "template", Map.of("metadata", Map.of("labels", Map.of("app", "d")), "spec", podSpec)));
    }
}
