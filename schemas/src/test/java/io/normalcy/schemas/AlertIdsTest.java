package io.normalcy.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AlertIdsTest {

    private static final Instant T = Fixtures.T0;

    @Test
    void isStableAnd32LowercaseHex() {
        String a = AlertIds.derive("m", "e", T, "id-1", "t", 0, 1);
        assertEquals(a, AlertIds.derive("m", "e", T, "id-1", "t", 0, 1));
        assertTrue(a.matches("[0-9a-f]{32}"), a);
    }

    @Test
    void withEventIdTheSourceCoordinatesDoNotMatter() {
        assertEquals(AlertIds.derive("m", "e", T, "id-1", "t", 0, 1), AlertIds.derive("m", "e", T, "id-1", "other", 3, 99));
    }

    @Test
    void withoutEventIdTheOffsetIdentifiesTheEvent() {
        assertNotEquals(AlertIds.derive("m", "e", T, null, "t", 0, 1), AlertIds.derive("m", "e", T, null, "t", 0, 2));
        assertNotEquals(AlertIds.derive("m", "e", T, null, "t", 0, 1), AlertIds.derive("m", "e", T, null, "t", 1, 1));
    }

    @Test
    void everyInputMatters() {
        List<String> ids = List.of(
                AlertIds.derive("m", "e", T, "x", "t", 0, 1),
                AlertIds.derive("m2", "e", T, "x", "t", 0, 1),
                AlertIds.derive("m", "e2", T, "x", "t", 0, 1),
                AlertIds.derive("m", "e", T.plusMillis(1), "x", "t", 0, 1),
                AlertIds.derive("m", "e", T, "y", "t", 0, 1),
                AlertIds.derive("m", "e", T, null, "t", 0, 1),
                // length prefixes: moving characters between parts changes the id
                AlertIds.derive("me", "", T, "x", "t", 0, 1),
                AlertIds.derive("m", "ex", T, "", "t", 0, 1));
        Set<String> unique = new HashSet<>(ids);
        assertEquals(ids.size(), unique.size(), ids.toString());
    }

    @Test
    void featureVectorOverloadUsesItsFields() {
        FeatureVector fv = Fixtures.featureVectorFull();
        assertEquals(AlertIds.derive(fv.getModel(), fv.getEntity(), fv.getEventTime(), fv.getEventId(), "t", 1, 2),
                AlertIds.derive(fv, "t", 1, 2));
    }
}
