package io.normalcy.trainer.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.avro.CombinationThreshold;
import io.normalcy.avro.ContextThreshold;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.Severity;
import io.normalcy.avro.ThresholdSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelSummariesTest {

    /** Issue 13 item 4: a format-5 model's combination thresholds appear in the summary under their scope. */
    @Test
    void combinationThresholdsAreSummarisedByScope() {
        ModelVersion mv = ModelVersion.newBuilder(FakeModelsTopic.model("payments", 1)).setThresholds(List.of(
                ThresholdSet.newBuilder().setLevel(0.01).setSeverity(Severity.WARNING).setGlobal(-9.0)
                        .setGlobalCount(5000).setPerContext(List.of(
                                new ContextThreshold("entityType", "grocery", -8.0, 2000L, false)))
                        .setPerCombination(List.of(new CombinationThreshold(List.of("entityType", "region"),
                                List.of("grocery", "eu"), -7.5, 900L, false))).build())).build();
        ModelSummary.Level level = ModelSummaries.of(mv).thresholds().get(0);
        assertEquals(List.of(new ModelSummary.Context("entityType", "grocery", -8.0, 2000, false)), level.perContext());
        assertEquals(List.of(new ModelSummary.Combination("entityType=grocery,region=eu", -7.5, 900, false)),
                level.perCombination());
        assertEquals("entityType=grocery,region=eu", ModelSummaries.scope(List.of("entityType", "region"),
                List.of("grocery", "eu")));
    }
}
