package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.trainer.publish.ModelPublisher;
import io.normalcy.trainer.service.TrainerLifecycle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The prod overlay's Strimzi KafkaUsers grant each service what its code does with Kafka, evaluated with
 * Kafka's ACL rules (literal, prefixed and wildcard resources; Read/Write/Delete/Alter imply Describe): the
 * topic names, Kafka Streams application id and webhook group of the rendered detector configuration, the
 * trainer's retrain group and transactional-id prefix from its code. Renaming any of them without the ACLs
 * fails here instead of with a TopicAuthorizationException in production. Least privilege: only the trainer
 * may write models, no wildcard, no {@code All}. Each pod must log in as its own user.
 */
class KafkaUserAclTest {
    private static final String P = "normalcy.detector.";

    private final Rendered prod = new Rendered("overlays/prod",
            KustomizeRenderer.render(Repo.root().resolve("deploy/k8s/overlays/prod")));

    @Test
    void theDetectorsKafkaUserAllowsWhatTheDetectorDoes() {
        List<Map<String, Object>> acls = aclsOfTheUserThePodLogsInAs("detector");
        Map<String, String> env = prod.environment(prod.container("detector"));
        ServiceModule detector = KubernetesManifestsTest.module("detector");
        TopicNames t = KubernetesManifestsTest.topicNames(prod);
        String appId = KubernetesManifestsTest.required(detector, P + "application-id", env, prod);
        for (String input : KubernetesManifestsTest.required(detector, P + "topics.inputs", env, prod).split(",")) {
            require(acls, "topic", input.split(":")[0].trim(), "Read");
        }
        for (String topic : List.of(t.models(), t.subscriptions(), t.alerts())) {
            require(acls, "topic", topic, "Read");
        }
        for (String topic : List.of(t.scores(), t.alerts(), t.dlq(), t.parking(), t.retrain(), t.subscriptions())) {
            require(acls, "topic", topic, "Write");
        }
        for (String topic : t.all()) {
            require(acls, "topic", topic, "Describe");
        }
        // Kafka Streams' internal topics, consumer group and exactly-once transactional ids
        for (String op : List.of("Create", "Read", "Write", "Delete", "Describe")) {
            require(acls, "topic", appId + "-scores-by-model-repartition", op);
        }
        require(acls, "group", appId, "Read");
        require(acls, "transactionalId", appId + "-0e9f6c1a-5b7d-4c38-9a8e-2f4d1b6c7e90-0_0", "Write");
        require(acls, "group", KubernetesManifestsTest.required(detector, P + "delivery.webhook-group-id", env, prod), "Read");
        require(acls, "cluster", "kafka-cluster", "Describe");
        assertFalse(allowed(acls, "topic", t.models(), "Write"), "only the trainer publishes (signed) models");
        assertFalse(allowed(acls, "topic", t.features(), "Write"), "the detector does not write its inputs");
    }

    @Test
    void theTrainersKafkaUserAllowsWhatTheTrainerDoes() {
        List<Map<String, Object>> acls = aclsOfTheUserThePodLogsInAs("trainer");
        TopicNames t = TopicNames.defaults(); // TrainerFactory: Topics.defaults()
        require(acls, "topic", t.models(), "Write");
        require(acls, "topic", t.models(), "Read");
        require(acls, "topic", t.features(), "Read");
        for (String topic : List.of(t.retrain(), t.trainingStatus())) {
            require(acls, "topic", topic, "Read");
            require(acls, "topic", topic, "Write");
        }
        for (String topic : t.all()) { // TopicAdmin.ensureTopics at start-up lists and describes every topic
            require(acls, "topic", topic, "Describe");
            require(acls, "topic", topic, "DescribeConfigs");
        }
        require(acls, "group", TrainerLifecycle.RETRAIN_GROUP, "Read");
        require(acls, "transactionalId", ModelPublisher.TRANSACTIONAL_ID_PREFIX + "payments", "Write");
        require(acls, "cluster", "kafka-cluster", "Describe");
        for (String topic : List.of(t.features(), t.scores(), t.alerts(), t.subscriptions(), t.dlq(), t.parking())) {
            assertFalse(allowed(acls, "topic", topic, "Write"), "the trainer must not write " + topic);
        }
    }

    /** The KafkaUser whose generated Secret feeds the container's KAFKA_SASL_JAAS_CONFIG, checked and its ACLs. */
    private List<Map<String, Object>> aclsOfTheUserThePodLogsInAs(String module) {
        Rendered.Container c = prod.container(module);
        Object ref = Repo.list(c.spec(), "env").stream().filter(e -> "KAFKA_SASL_JAAS_CONFIG".equals(Repo.at(e, "name")))
                .map(e -> Repo.at(e, "valueFrom", "secretKeyRef")).findFirst()
                .orElseThrow(() -> new AssertionError("prod: " + module + " must log in with its own KafkaUser's sasl.jaas.config"));
        assertEquals("sasl.jaas.config", Repo.at(ref, "key"), "prod: " + module + " KAFKA_SASL_JAAS_CONFIG key");
        String user = String.valueOf(Repo.at(ref, "name"));
        Map<String, Object> u = prod.find("KafkaUser", user)
                .orElseThrow(() -> new AssertionError("prod: " + module + " logs in as " + user + " but there is no KafkaUser " + user));
        assertEquals("kafka.strimzi.io/v1beta2", u.get("apiVersion"));
        Set<Object> clusters = Set.copyOf(prod.ofKind("KafkaTopic").stream().map(x -> Repo.at(x, "metadata", "labels", "strimzi.io/cluster")).toList());
        assertEquals(clusters, Set.of(Repo.at(u, "metadata", "labels", "strimzi.io/cluster")), "prod: KafkaUser " + user + " cluster label");
        assertEquals("scram-sha-512", Repo.at(u, "spec", "authentication", "type"));
        assertEquals("simple", Repo.at(u, "spec", "authorization", "type"));
        assertTrue(prod.environment(c).get("KAFKA_SASL_MECHANISM").equals("SCRAM-SHA-512"), "prod: " + module + " SASL mechanism");
        List<Map<String, Object>> acls = new ArrayList<>();
        for (Object a : Repo.list(u, "spec", "authorization", "acls")) {
            Map<String, Object> acl = Repo.map(a);
            assertFalse(operations(acl).contains("All"), "prod: " + user + ": no 'All' operations " + acl);
            assertFalse("*".equals(Repo.at(acl, "resource", "name")), "prod: " + user + ": no wildcard resources " + acl);
            acls.add(acl);
        }
        return acls;
    }

    private static void require(List<Map<String, Object>> acls, String type, String name, String op) {
        assertTrue(allowed(acls, type, name, op), "KafkaUser lacks " + op + " on " + type + " " + name);
    }

    /** Kafka's simple authorizer for one principal with only ALLOW rules (the rules Strimzi creates). */
    static boolean allowed(List<Map<String, Object>> acls, String type, String name, String op) {
        return acls.stream().anyMatch(acl -> type.equals(Repo.at(acl, "resource", "type"))
                && matches(acl, name) && implies(operations(acl), op));
    }

    private static boolean matches(Map<String, Object> acl, String name) {
        if ("cluster".equals(Repo.at(acl, "resource", "type"))) {
            return true;
        }
        String resource = String.valueOf(Repo.at(acl, "resource", "name"));
        Object pattern = Repo.at(acl, "resource", "patternType");
        return "*".equals(resource) || ("prefix".equals(pattern) ? name.startsWith(resource) : name.equals(resource));
    }

    private static boolean implies(List<String> granted, String op) {
        return granted.contains(op) || granted.contains("All")
                || (op.equals("Describe") && granted.stream().anyMatch(Set.of("Read", "Write", "Delete", "Alter")::contains))
                || (op.equals("DescribeConfigs") && granted.contains("AlterConfigs"));
    }

    private static List<String> operations(Map<String, Object> acl) {
        List<String> ops = new ArrayList<>();
        Repo.list(acl, "operations").forEach(o -> ops.add(String.valueOf(o)));
        if (acl.get("operation") != null) {
            ops.addAll(Arrays.asList(String.valueOf(acl.get("operation"))));
        }
        return ops;
    }
}
