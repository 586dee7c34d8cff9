package io.normalcy.trainer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Overrides may lower the costly parameters of a configured model, never raise them. */
class OverrideBoundsTest {
    private static final ModelDefinition CONFIGURED = Parameters.apply(ModelDefinition.defaults("payments"),
            Map.of("blocks", "4", "hidden", "64,32", "epochs", "30", "batch-size", "256", "max-records", "1000"), "");

    private static String refused(Map<String, String> overrides) {
        return assertThrows(ConfigException.class, () -> OverrideBounds.apply(CONFIGURED, overrides, "overrides."))
                .getMessage();
    }

    @Test
    void lowerOrEqualValuesAndOtherKeysPass() {
        ModelDefinition d = OverrideBounds.apply(CONFIGURED, Map.of("blocks", "4", "hidden", "8", "epochs", "3",
                "batch-size", "64", "max-records", "10", "learning-rate", "0.1", "seed", "7"), "overrides.");
        assertEquals(List.of(8), d.hidden());
        assertEquals(3, d.epochs());
        assertEquals(7, d.seed());
    }

    @Test
    void eachCappedKeyIsNamedWhenRaised() {
        assertEquals("overrides.blocks: 64 exceeds the model's configured 4 (normalcy.trainer.models.payments.blocks); "
                + "overrides may lower it, raise the configuration to allow more", refused(Map.of("blocks", "64")));
        assertEquals("overrides.hidden", assertThrows(ConfigException.class,
                () -> OverrideBounds.apply(CONFIGURED, Map.of("hidden", "4096"), "overrides.")).key());
        assertEquals(true, refused(Map.of("hidden", "16,16,16")).contains("layers 3 exceeds the model's configured 2"));
        assertEquals(true, refused(Map.of("hidden", "65")).contains("width 65 exceeds the model's configured 64"));
        assertEquals(true, refused(Map.of("epochs", "31")).startsWith("overrides.epochs: 31 exceeds"));
        assertEquals(true, refused(Map.of("batch-size", "512")).startsWith("overrides.batch-size: 512 exceeds"));
        assertEquals(true, refused(Map.of("max-records", "1001")).startsWith("overrides.max-records: 1001 exceeds"));
    }

    @Test
    void invalidValuesStillFailAsBefore() {
        assertEquals("overrides.blocks: 'four' is not an integer", refused(Map.of("blocks", "four")));
        assertEquals(true, refused(Map.of("epocs", "3")).startsWith("overrides.epocs: unknown key"));
    }
}
