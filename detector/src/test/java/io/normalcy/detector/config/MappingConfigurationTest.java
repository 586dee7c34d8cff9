package io.normalcy.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.schemas.mapping.RecordMapping;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code normalcy.detector.mappings.*}: bound from the configuration, mapped topics subscribed, bad keys named. */
class MappingConfigurationTest {

    @Test
    void aMappingBindsAndItsTopicBecomesAnInput() {
        Map<String, Object> props = new HashMap<>(Map.of(
                "normalcy.detector.mappings.pos.topic", "pos.events.v1",
                "normalcy.detector.mappings.pos.model-path", "kind",
                "normalcy.detector.mappings.pos.features.amount", "amount"));
        props.putAll(Map.of(
                "normalcy.detector.mappings.card-events.model", "cards",
                "normalcy.detector.mappings.card-events.entity", "card.id",
                "normalcy.detector.mappings.card-events.event-time", "ts",
                "normalcy.detector.mappings.card-events.context.category", "card.category",
                "normalcy.detector.mappings.card-events.features.amount", "amount",
                "normalcy.detector.mappings.card-events.features.first-price", "items[0].price",
                "normalcy.detector.mappings.card-events.features.itemCount", "items.length",
                "normalcy.detector.mappings.card-events.context-numeric.hour_of_day", "h"));
        try (ApplicationContext ctx = Startup.run(props)) {
            DetectorConfiguration c = ctx.getBean(DetectorConfiguration.class);
            assertEquals(List.of(DetectorTopics.FEATURES, "card-events", "pos.events.v1"), c.detectorTopics().inputs());
            RecordMapping m = c.detectorSettings().mappingOf("card-events");
            assertEquals("cards", m.model());
            assertEquals("items[0].price", m.features().get("first-price").toString());
            assertEquals("items.length", m.features().get("itemCount").toString(), "names are kept as written");
            assertEquals("h", m.contextNumeric().get("hour_of_day").toString());
            assertEquals("card.category", m.context().get("category").toString());
            assertEquals("kind", c.detectorSettings().mappingOf("pos.events.v1").modelPath().toString());
        }
    }

    @Test
    void aBadMappingStopsStartUpNamingTheKey() {
        String m = Startup.failure(Map.of("normalcy.detector.mappings.card-events.model", "cards",
                "normalcy.detector.mappings.card-events.features.amount", "amount..usd"));
        assertTrue(m.contains("normalcy.detector.mappings.card-events.features.amount: 'amount..usd' is not a path"), m);
        m = Startup.failure(Map.of("normalcy.detector.mappings.card-events.features.amount", "amount"));
        assertTrue(m.contains("normalcy.detector.mappings.card-events.model: set exactly one"), m);
        m = Startup.failure(Map.of("normalcy.detector.mappings.a.model", "m",
                "normalcy.detector.mappings.a.topic", "normalcy.alerts",
                "normalcy.detector.mappings.a.features.x", "x"));
        assertTrue(m.contains("normalcy.detector.mappings.a.topic: 'normalcy.alerts' is one of the detector's own"), m);
    }
}
