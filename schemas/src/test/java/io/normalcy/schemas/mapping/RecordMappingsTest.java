package io.normalcy.schemas.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Parsing of the mappings section: what is accepted, and that every refusal names its configuration key. */
class RecordMappingsTest {
    private static final String P = "normalcy.detector.mappings";

    private static Map<String, Object> cards() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "cards");
        m.put("entity", "card.id");
        m.put("event-time", "ts");
        m.put("context", Map.of("category", "card.category"));
        m.put("features", new LinkedHashMap<>(Map.of("amount", "amount", "first", "items[0].price")));
        m.put("attributes", Map.of("merchant", "merchant.name"));
        return m;
    }

    private static String error(Consumer<Map<String, Object>> edit) {
        Map<String, Object> m = cards();
        edit.accept(m);
        return assertThrows(IllegalArgumentException.class,
                () -> RecordMappings.parse(P, Map.of("card-events", m))).getMessage();
    }

    @Test
    void parsesAMappingKeyedByItsTopic() {
        RecordMapping m = RecordMappings.parse(P, Map.of("card-events", cards())).get("card-events");
        assertEquals("cards", m.model());
        assertEquals("card.id", m.entity().toString());
        assertEquals("ts", m.eventTime().path().toString());
        assertEquals(ZoneId.of("Z"), m.eventTime().zone());
        assertEquals("items[0].price", m.features().get("first").toString());
        assertEquals(Map.of("category", FieldPath.parse("card.category", "k")), m.context());
        assertTrue(m.contextNumeric().isEmpty());
    }

    @Test
    void defaultsAreTheRecordKeyAndTimestamp() {
        RecordMapping m = RecordMappings.parse(P, Map.of("x", Map.of("model", "m", "features", Map.of("a", "a"))))
                .get("x");
        assertNull(m.entity(), "entity defaults to @key");
        assertNull(m.eventTime().path(), "event time defaults to @timestamp");
    }

    @Test
    void flattenedAndCamelCaseKeysAsMicronautHandsThemOut() {
        Map<String, Object> flat = new LinkedHashMap<>();
        flat.put("topic", "card.events");
        flat.put("modelPath", "kind");
        flat.put("features.amount", "amount");
        flat.put("context_numeric.hour", "h");
        RecordMapping m = RecordMappings.parse(P, Map.of("cards", flat)).get("card.events");
        assertEquals("kind", m.modelPath().toString());
        assertEquals("amount", m.features().get("amount").toString());
        assertEquals("h", m.contextNumeric().get("hour").toString());
    }

    @Test
    void everyErrorNamesItsKey() {
        assertTrue(error(m -> m.put("features", Map.of("amount", "amount..usd")))
                .startsWith(P + ".card-events.features.amount: 'amount..usd' is not a path"));
        assertTrue(error(m -> m.remove("features")).startsWith(P + ".card-events.features: at least one feature"));
        assertTrue(error(m -> m.put("model-path", "kind")).startsWith(P + ".card-events.model: set exactly one"));
        assertTrue(error(m -> m.remove("model")).startsWith(P + ".card-events.model: set exactly one"));
        assertTrue(error(m -> m.put("entity", "")).startsWith(P + ".card-events.entity: is empty"));
        assertTrue(error(m -> m.put("event-time", "ts[x]")).startsWith(P + ".card-events.event-time: 'ts[x]'"));
        assertTrue(error(m -> m.put("time-format", "yyyy-MM-dd'T")).startsWith(P + ".card-events.time-format:"));
        assertTrue(error(m -> m.put("time-zone", "Mars/Olympus")).startsWith(P + ".card-events.time-zone:"));
        assertTrue(error(m -> m.put("topic", "bad topic")).startsWith(P + ".card-events.topic:"));
        assertTrue(error(m -> m.put("featurse", Map.of())).startsWith(P + ".card-events.featurse: unknown key"));
        assertTrue(error(m -> m.put("context", "card.category")).startsWith(P + ".card-events.context: expected"));
        assertTrue(error(m -> m.put("attributes", Map.of("m", List.of("a"))))
                .startsWith(P + ".card-events.attributes.m: expected a path"));
        assertTrue(error(m -> m.put("features", Map.of("a b", "x"))).startsWith(P + ".card-events.features.a b:"));
        Map<String, Object> stamped = cards();
        stamped.remove("event-time");
        stamped.put("time-format", "epoch-millis");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RecordMappings.parse(P, Map.of("c", stamped)))
                .getMessage().startsWith(P + ".c.time-format: only applies"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> RecordMappings.parse(P, Map.of("c", "x")))
                .getMessage().startsWith(P + ".c: expected a mapping"));
    }

    @Test
    void aTopicIsMappedOnce() {
        Map<String, Object> a = cards();
        a.put("topic", "t");
        Map<String, Object> b = cards();
        b.put("topic", "t");
        String msg = assertThrows(IllegalArgumentException.class,
                () -> RecordMappings.parse(P, Map.of("a", a, "b", b))).getMessage();
        assertEquals(P + ".b.topic: topic 't' is already mapped by " + P + ".a", msg);
    }

    @Test
    void aDottedMappingNameSaysWhereTheTopicGoes() {
        // YAML "card.events: {...}" reaches the parser as card → {events.model: ...}
        String msg = assertThrows(IllegalArgumentException.class, () -> RecordMappings.parse(P,
                Map.of("card", Map.of("events.model", "m")))).getMessage();
        assertTrue(msg.startsWith(P + ".card.events.model: unknown key"), msg);
        assertTrue(msg.contains("topic key"), msg);
    }
}
