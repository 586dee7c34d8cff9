package io.normalcy.trainer.config;

import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.SizeRule;
import io.normalcy.flow.model.FlowType;
import io.normalcy.trainer.job.FitConfigs;
import io.normalcy.trainer.job.JobJson;
import io.normalcy.trainer.job.JobSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 13 item 3 in the service: sizes left unset (or {@code auto}) reach the fit unset, so flow's size rule chooses
 * them from rows × features; set ones reach it as given; {@code flow-type: auto} becomes the fit's auto selection
 * with {@code auto-budget}; overrides of an auto size are capped at the rule's largest step.
 */
class SizedDefinitionTest {
    private static ModelDefinition apply(Map<String, String> values) {
        return Parameters.apply(ModelDefinition.defaults("m"), values, "normalcy.trainer.models.m.");
    }

    @Test
    void sizesNotConfiguredAreLeftToTheSizeRule() {
        FitConfig c = FitConfigs.from(apply(Map.of()));
        assertTrue(c.sizeToData());
        assertEquals(Set.of(), c.explicitSizes(), "nothing set: every size from the data");
        assertFalse(c.autoSelect());
        assertEquals(FlowType.MAF_MOG, c.flowType());
    }

    @Test
    void configuredSizesWinAndAutoIsAcceptedForEach() {
        ModelDefinition d = apply(Map.of("blocks", "3", "hidden", "16,16", "epochs", "7", "patience", "2"));
        FitConfig c = FitConfigs.from(d);
        assertEquals(Set.of(FitConfig.Sized.BLOCKS, FitConfig.Sized.HIDDEN, FitConfig.Sized.EPOCHS,
                FitConfig.Sized.PATIENCE), c.explicitSizes());
        assertEquals(3, c.blocks());
        assertEquals(7, c.epochs());
        ModelDefinition back = Parameters.apply(d, Map.of("blocks", "auto", "hidden", "AUTO", "epochs", "auto",
                "patience", "auto"), "overrides.");
        assertEquals(ModelDefinition.SIZED, back.blocks());
        assertEquals(List.of(), back.hidden());
        assertEquals(Set.of(), FitConfigs.from(back).explicitSizes());
    }

    @Test
    void zeroOrNegativeSizesAreRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> apply(Map.of("epochs", "0")));
        assertEquals("normalcy.trainer.models.m.epochs", e.key());
        assertTrue(e.getMessage().contains("must be >= 1 or auto"), e.getMessage());
        assertEquals("normalcy.trainer.models.m.blocks",
                assertThrows(ConfigException.class, () -> apply(Map.of("blocks", "-2"))).key());
        assertEquals("normalcy.trainer.models.m.auto-budget",
                assertThrows(ConfigException.class, () -> apply(Map.of("auto-budget", "soon"))).key());
    }

    @Test
    void flowTypeAutoSelectsWithinTheBudget() {
        ModelDefinition d = apply(Map.of("flow-type", "auto", "auto-budget", "PT2M"));
        assertNull(d.flowType());
        assertEquals("auto", d.asMap().get("flow-type"));
        FitConfig c = FitConfigs.from(d);
        assertTrue(c.autoSelect());
        assertEquals(Duration.ofMinutes(2), c.autoBudget());
        assertEquals(FlowType.REALNVP, Parameters.apply(d, Map.of("flow-type", "realnvp"), "overrides.").flowType());
    }

    @Test
    void theTypedDefinitionTravelsToTheChildWithAutoValues() throws Exception {
        ModelDefinition d = apply(Map.of("flow-type", "auto"));
        JobSpec spec = new JobSpec("m", 1, d, "rows.bin", "model.avro", "result.json", null, null, Map.of(), 0,
                "test", null);
        JobSpec back = JobJson.MAPPER.readValue(JobJson.MAPPER.writeValueAsString(spec), JobSpec.class);
        assertEquals(d, back.definition());
    }

    @Test
    void overridesOfAnAutoSizeAreCappedAtTheRulesLargestStep() {
        ModelDefinition configured = ModelDefinition.defaults("payments");
        SizeRule.Size largest = SizeRule.LADDER.get(SizeRule.LADDER.size() - 1);
        ModelDefinition ok = OverrideBounds.apply(configured, Map.of("blocks", Integer.toString(largest.blocks()),
                "hidden", largest.width() + "," + largest.width(), "epochs", "5"), "overrides.");
        assertEquals(largest.blocks(), ok.blocks());
        ConfigException e = assertThrows(ConfigException.class, () -> OverrideBounds.apply(configured,
                Map.of("blocks", Integer.toString(largest.blocks() + 1)), "overrides."));
        assertEquals("overrides.blocks", e.key());
        assertTrue(e.getMessage().contains("auto"), e.getMessage());
        assertEquals("overrides.hidden", assertThrows(ConfigException.class, () -> OverrideBounds.apply(configured,
                Map.of("hidden", Integer.toString(largest.width() + 1)), "overrides.")).key());
        assertEquals("overrides.epochs", assertThrows(ConfigException.class, () -> OverrideBounds.apply(configured,
                Map.of("epochs", Integer.toString(SizeRule.MAX_EPOCHS + 1)), "overrides.")).key());
    }
}
