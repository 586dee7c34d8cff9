package io.normalcy.trainer.config;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValidationTest {
    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("normalcy.trainer.models.payments.features", List.of("amount", "count"));
        m.put("normalcy.trainer.models.payments.integerFeatures", "count");
        m.put("normalcy.trainer.models.payments.log1p-features", List.of("amount"));
        m.put("normalcy.trainer.models.payments.categorical-context", List.of("region"));
        m.put("normalcy.trainer.models.payments.cyclic-context", List.of("@hourOfDay"));
        m.put("normalcy.trainer.models.payments.hidden", List.of(16, 16));
        m.put("normalcy.trainer.models.payments.epochs", 3);
        return m;
    }

    private static String startupError(Map<String, Object> props) {
        Throwable t = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(props).deduceEnvironment(false).start()) {
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
    void goodConfigurationBindsTypedDefinitions() {
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(base()).deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertEquals(List.of("amount", "count"), d.features());
            assertEquals(List.of("count"), d.integerFeatures());
            assertEquals(List.of(16, 16), d.hidden());
            assertEquals(3, d.epochs());
            assertEquals(24.0, d.cyclicContext().get(0).period());
            assertEquals(List.of(0.01, 0.001), d.levels());
        }
    }

    @Test
    void unknownModelKeyStopsStartUpNamingIt() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.epocs", 5);
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments.epocs"), msg);
    }

    @Test
    void outOfRangeValueStopsStartUpNamingIt() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.epochs", 0);
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments.epochs: must be >= 1"), msg);
    }

    @Test
    void levelOutsideUnitIntervalIsRejected() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.levels", List.of(0.01, 1.5));
        assertTrue(startupError(p).contains("normalcy.trainer.models.payments.levels: level 1.5 is not in (0, 1)"));
    }

    @Test
    void integerFeatureThatIsNotAFeatureIsRejected() {
        Map<String, Object> p = base();
        p.remove("normalcy.trainer.models.payments.integerFeatures");
        p.put("normalcy.trainer.models.payments.integer-features", "amonut");
        assertTrue(startupError(p).contains("normalcy.trainer.models.payments.integer-features: 'amonut' is not one of the features"));
    }

    @Test
    void unknownServiceKeyIsRejected() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.isolaton", "process");
        assertTrue(startupError(p).contains("normalcy.trainer.isolaton: unknown key"));
    }

    @Test
    void overridesUseTheSameParserAndNameTheKey() {
        ModelDefinition d = ModelDefinition.defaults("m");
        ModelDefinition o = Parameters.apply(d, Map.of("epochs", "7", "hidden", "8,8", "flow-type", "realnvp"), "overrides.");
        assertEquals(7, o.epochs());
        assertEquals(List.of(8, 8), o.hidden());
        assertEquals("REALNVP", o.flowType());
        ConfigException e = assertThrows(ConfigException.class, () -> Parameters.apply(d, Map.of("learningrate", "1"), "overrides."));
        assertEquals("overrides.learningrate", e.key());
        ConfigException e2 = assertThrows(ConfigException.class, () -> Parameters.apply(d, Map.of("blocks", "four"), "overrides."));
        assertEquals("overrides.blocks: 'four' is not an integer", e2.getMessage());
        ConfigException e3 = assertThrows(ConfigException.class, () -> Parameters.apply(d, Map.of("window", "24h"), "overrides."));
        assertEquals("overrides.window", e3.key());
    }
}
