package io.normalcy.detector.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubscriptionMatcherTest {

    static AlertSubscription subscription(String id, List<String> models, Severity min, String entityPattern,
                                          Map<String, String> context, String topic, boolean enabled) {
        return AlertSubscription.newBuilder().setSubscriberId(id)
                .setFilter(SubscriptionFilter.newBuilder().setModels(models).setMinSeverity(min)
                        .setEntityPattern(entityPattern).setContextMatch(context).build())
                .setDelivery(SubscriptionDelivery.newBuilder().setKafkaTopic(topic).build())
                .setEnabled(enabled).setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
    }

    static Alert alert(String model, String entity, Severity severity, Map<String, String> context) {
        return Alert.newBuilder().setAlertId("x").setEntity(entity).setEventTime(Instant.EPOCH).setModel(model)
                .setModelVersion(1).setLogDensity(-20).setThreshold(-10).setQuantileLevel(0.001)
                .setSeverity(severity).setTopFeatures(List.of()).setContext(context).setCreatedAt(Instant.EPOCH)
                .build();
    }

    @Test
    void emptyFilterMatchesEveryAlertAtWarningOrAbove() {
        SubscriptionMatcher m = new SubscriptionMatcher(subscription("s", List.of(), Severity.WARNING, null, Map.of(),
                "t", true));
        assertTrue(m.matches(alert("any", "e", Severity.WARNING, Map.of())));
        assertTrue(m.matches(alert("any", "e", Severity.CRITICAL, Map.of())));
        assertEquals("t", m.kafkaTopic());
    }

    @Test
    void everyConditionMustHold() {
        SubscriptionMatcher m = new SubscriptionMatcher(subscription("s", List.of("cards"), Severity.CRITICAL,
                "card-[0-9]+", Map.of("region", "eu"), "t", true));
        Alert ok = alert("cards", "card-42", Severity.CRITICAL, Map.of("region", "eu", "x", "y"));
        assertTrue(m.matches(ok));
        assertFalse(m.matches(alert("hosts", "card-42", Severity.CRITICAL, Map.of("region", "eu"))), "model");
        assertFalse(m.matches(alert("cards", "card-42", Severity.WARNING, Map.of("region", "eu"))), "severity");
        assertFalse(m.matches(alert("cards", "card-42x", Severity.CRITICAL, Map.of("region", "eu"))),
                "entity regex must match the whole entity");
        assertFalse(m.matches(alert("cards", "card-42", Severity.CRITICAL, Map.of("region", "us"))), "context");
        assertFalse(m.matches(alert("cards", "card-42", Severity.CRITICAL, Map.of())), "missing context");
    }

    @Test
    void disabledSubscriptionMatchesNothing() {
        SubscriptionMatcher m = new SubscriptionMatcher(subscription("s", List.of(), Severity.WARNING, null, Map.of(),
                "t", false));
        assertFalse(m.matches(alert("any", "e", Severity.CRITICAL, Map.of())));
    }

    @Test
    void invalidRegexIsRejectedNamingTheSubscriber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new SubscriptionMatcher(
                subscription("broken", List.of(), Severity.WARNING, "([", Map.of(), "t", true)));
        assertTrue(e.getMessage().contains("broken") && e.getMessage().contains("entityPattern"), e.getMessage());
    }

    @Test
    void registryReturnsMatchesInSubscriberOrder() {
        SubscriptionRegistry r = new SubscriptionRegistry();
        r.put(new SubscriptionMatcher(subscription("b", List.of(), Severity.WARNING, null, Map.of(), "tb", true)));
        r.put(new SubscriptionMatcher(subscription("a", List.of(), Severity.WARNING, null, Map.of(), "ta", true)));
        r.put(new SubscriptionMatcher(subscription("c", List.of("other"), Severity.WARNING, null, Map.of(), "tc",
                true)));
        List<SubscriptionMatcher> hits = r.matching(alert("m", "e", Severity.WARNING, Map.of()));
        assertEquals(List.of("a", "b"), hits.stream().map(SubscriptionMatcher::subscriberId).toList());
        r.remove("a");
        assertEquals(1, r.matching(alert("m", "e", Severity.WARNING, Map.of())).size());
    }
}
