package io.normalcy.detector.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;

import java.time.Duration;
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

    /** A stored pattern RE2 cannot compile (backreference, lookaround, bad syntax) never throws: it matches nothing. */
    @Test
    void storedPatternRe2CannotCompileMakesTheSubscriptionUnusableNotBroken() {
        for (String pattern : List.of("([", "(a+)+\\1b", "(?=card)card-.*", "card-\\d++")) {
            SubscriptionMatcher m = new SubscriptionMatcher(subscription("broken", List.of(), Severity.WARNING,
                    pattern, Map.of(), "t", true));
            assertFalse(m.matches(alert("any", "card-1", Severity.CRITICAL, Map.of())), pattern);
            assertTrue(m.unusable() != null && m.unusable().contains("filter.entityPattern")
                    && m.unusable().contains("RE2"), m.unusable());
        }
        SubscriptionRegistry r = new SubscriptionRegistry();
        r.put(new SubscriptionMatcher(subscription("ok", List.of(), Severity.WARNING, "card-.*", Map.of(), "t", true)));
        r.put(new SubscriptionMatcher(subscription("bad", List.of(), Severity.WARNING, "(a)\\1", Map.of(), "t",
                true)));
        assertEquals(1, r.unusable());
        assertEquals(List.of("ok"), r.matching(alert("m", "card-1", Severity.WARNING, Map.of())).stream()
                .map(SubscriptionMatcher::subscriberId).toList());
        assertEquals(2, r.all().size(), "the unusable one is still listed (GET /subscriptions shows it)");
    }

    /**
     * Nested quantifiers against 40 a's, the classic catastrophic backtracking case: java.util.regex needs
     * exponentially many steps for {@code (.*a){25}b} (JDK 9+ memoizes the simpler {@code (a+)+b}, not this one),
     * so the stream thread would stall for hours; RE2 matches in time linear in the entity. The deadline is only a
     * safety net against a regression to a backtracking engine, not a performance assertion.
     */
    @Test
    void nestedQuantifiersMatchInLinearTime() {
        for (String pattern : List.of("(a+)+b", "(.*a){25}b", "(a|a?)+b")) {
            SubscriptionMatcher m = new SubscriptionMatcher(subscription("redos", List.of(), Severity.WARNING,
                    pattern, Map.of(), "t", true));
            assertNull(m.unusable(), pattern);
            Alert evil = alert("m", "a".repeat(40), Severity.CRITICAL, Map.of());
            assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(20), () -> m.matches(evil)), pattern);
            assertTrue(m.matches(alert("m", "a".repeat(30) + "b", Severity.CRITICAL, Map.of())), pattern);
        }
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
