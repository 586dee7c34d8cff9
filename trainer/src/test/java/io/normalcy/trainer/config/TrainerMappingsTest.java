package io.normalcy.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.schemas.mapping.RecordMapping;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code normalcy.trainer.mappings.*}: bound, accepted by the service-key check, bad mappings stop start-up. */
class TrainerMappingsTest {
    private static final String M = "normalcy.trainer.mappings.";

    private static Map<String, Object> cards() {
        Map<String, Object> p = new HashMap<>();
        p.put(M + "cards.topic", "card.events");
        p.put(M + "cards.model", "cards");
        p.put(M + "cards.entity", "card.id");
        p.put(M + "cards.features.amount", "amount");
        p.put(M + "cards.features.itemCount", "items.length");
        return p;
    }

    private static ApplicationContext start(Map<String, Object> props) {
        return ApplicationContext.builder().environments("cli").properties(props).deduceEnvironment(false).start();
    }

    private static String startupError(Map<String, Object> props) {
        Throwable t = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ctx = start(props)) {
                ctx.getBean(ModelRegistry.class);
            }
        });
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aMappingBindsNextToTheModels() {
        try (ApplicationContext ctx = start(cards())) {
            ctx.getBean(ModelRegistry.class); // "mappings" is a known service key
            RecordMapping m = ctx.getBean(TrainerMappings.class).byTopic().get("card.events");
            assertEquals("cards", m.model());
            assertEquals("card.id", m.entity().toString());
            assertEquals("items.length", m.features().get("itemCount").toString(), "feature names kept as written");
        }
    }

    @Test
    void aBadMappingStopsStartUpNamingTheKey() {
        Map<String, Object> p = cards();
        p.put(M + "cards.features.amount", "amount[");
        assertTrue(startupError(p).contains(M + "cards.features.amount: 'amount[' is not a path"));
        p = cards();
        p.put(M + "cards.time-zone", "Nowhere/Else");
        p.put(M + "cards.event-time", "ts");
        assertTrue(startupError(p).contains(M + "cards.time-zone: 'Nowhere/Else' is not a time zone"));
    }

    @Test
    void aModelIsTrainedFromOneTopic() {
        Map<String, Object> p = cards();
        p.put(M + "more.model", "cards");
        p.put(M + "more.features.amount", "amount");
        assertTrue(startupError(p).contains(M + "more.model: model 'cards' is already read from topic card.events"));
    }
}
