package io.normalcy.deploy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.PrometheusRule;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Offline validation of rendered Kubernetes resources against typed API models: fabric8's (generated from the
 * Kubernetes OpenAPI schema, so it knows every field of every core kind and its type), its Prometheus Operator
 * model and Strimzi's published API classes. fabric8 keeps fields it
 * does not know in each object's {@code additionalProperties} instead of failing, so after reading a resource
 * into its class this walks the whole object tree and reports each such field with its path.
 */
final class KubernetesModels {

    /**
     * The API versions a current cluster serves for the kinds the overlays use, with their typed class: the core
     * kinds from fabric8's Kubernetes model, the Prometheus Operator's and Strimzi's custom resources from their
     * own published models (the versions the overlays' operators serve).
     */
    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/ConfigMap", ConfigMap.class), Map.entry("v1/Secret", Secret.class),
            Map.entry("v1/Service", Service.class), Map.entry("v1/Namespace", Namespace.class),
            Map.entry("v1/ServiceAccount", ServiceAccount.class),
            Map.entry("apps/v1/Deployment", Deployment.class), Map.entry("apps/v1/StatefulSet", StatefulSet.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
            Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
            Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class),
            Map.entry("monitoring.coreos.com/v1/PrometheusRule", PrometheusRule.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", KafkaUser.class));
    private static final Set<String> KNOWN_KINDS = MODELS.keySet().stream()
            .map(k -> k.substring(k.lastIndexOf('/') + 1)).collect(Collectors.toUnmodifiableSet());
    private static final ObjectMapper JSON = new ObjectMapper();

    private KubernetesModels() {
    }

    /** Whether the resource is of a kind this class validates (whatever its apiVersion). */
    static boolean isKnownKind(Map<String, Object> resource) {
        return KNOWN_KINDS.contains(String.valueOf(resource.get("kind")));
    }

    /**
     * What is wrong with a resource of a validated kind: fields unknown to its kind (with their paths) or a value that does
     * not fit its field's type. Empty when the resource is valid.
     *
     * @throws IllegalArgumentException for a validated kind at an API version no current cluster serves
     */
    static List<String> problems(Map<String, Object> resource) {
        String id = resource.get("kind") + "/" + Repo.at(resource, "metadata", "name");
        Class<?> model = MODELS.get(resource.get("apiVersion") + "/" + resource.get("kind"));
        if (model == null) {
            throw new IllegalArgumentException(id + ": apiVersion " + resource.get("apiVersion")
                    + " is not one a current cluster serves for this kind");
        }
        Object typed;
        try {
            typed = JSON.convertValue(resource, model);
        } catch (IllegalArgumentException e) {
            String where = e.getCause() instanceof JsonMappingException m ? " at " + m.getPathReference() : "";
            return List.of(id + ": " + (e.getCause() instanceof JsonMappingException m ? m.getOriginalMessage() : e.getMessage()) + where);
        }
        List<String> problems = new ArrayList<>();
        walk(typed, "", id, problems);
        return problems.stream().distinct().toList(); // a model may expose one field through two getters
    }

    private static void walk(Object node, String path, String id, List<String> problems) {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", id, problems);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "[" + k + "]", id, problems));
            return;
        }
        if (node == null || !isModel(node.getClass())) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (!isPropertyGetter(getter)) {
                continue;
            }
            Object value = invoke(getter, node);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    problems.add(id + ": " + (path.isEmpty() ? "(top level)" : path.substring(1))
                            + " has fields the Kubernetes API does not know: " + extra.keySet());
                }
            } else {
                walk(value, path + "." + property(getter), id, problems);
            }
        }
    }

    private static boolean isPropertyGetter(Method m) {
        return m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && m.getName().startsWith("get")
                && !m.getName().equals("getClass") && isModel(m.getDeclaringClass());
    }

    private static boolean isModel(Class<?> c) {
        return c.getName().startsWith("io.fabric8.") || c.getName().startsWith("io.strimzi.");
    }

    private static String property(Method getter) {
        String n = getter.getName().substring(3);
        return n.isEmpty() ? n : Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("reading " + getter + " of the typed Kubernetes model", e);
        }
    }
}
