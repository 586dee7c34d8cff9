package io.normalcy.detector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Severity;
import io.normalcy.detector.delivery.TestAlerts;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.detector.subscription.InvalidSubscriptionException;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stream's query filter follows subscription semantics and validation. */
class AlertStreamControllerTest {

    @Test
    void queryParametersBuildASubscriptionFilter() {
        SubscriptionMatcher m = AlertStreamController.matcher(List.of("A", "B"), "critical", "card-.*");
        assertTrue(m.matches(TestAlerts.alert("1", "B", "card-9", Severity.CRITICAL)));
        assertFalse(m.matches(TestAlerts.alert("2", "A", "card-9", Severity.WARNING)));
        assertFalse(m.matches(TestAlerts.alert("3", "C", "card-9", Severity.CRITICAL)));
        assertFalse(m.matches(TestAlerts.alert("4", "A", "acct-9", Severity.CRITICAL)));
        SubscriptionMatcher any = AlertStreamController.matcher(null, null, null);
        assertTrue(any.matches(TestAlerts.alert("5", "Z", "x", Severity.WARNING)));
    }

    @Test
    void invalidParametersAreRejected() {
        InvalidSubscriptionException e = assertThrows(InvalidSubscriptionException.class,
                () -> AlertStreamController.matcher(null, "loud", "("));
        assertEquals(List.of("filter.minSeverity", "filter.entityPattern"),
                e.errors().stream().map(f -> f.field()).toList());
    }
}
