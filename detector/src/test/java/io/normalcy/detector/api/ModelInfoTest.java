package io.normalcy.detector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.flow.state.ModelStateMapper;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code GET /models} shows of a model's thresholds. */
class ModelInfoTest {

    /** Issue 13 item 4: combination thresholds (format 5) are listed by their scope, as alerts name it. */
    @Test
    void combinationThresholdsAreListedByScope() throws Exception {
        LoadedModel lm = LoadedModel.of(ModelStateMapper.fromState(TestModels.withCombinationThresholds("m", 1)),
                "00", null, Instant.EPOCH, null);
        ModelsController.ModelInfo info = ModelsController.info(lm, null);
        assertEquals(Map.of("entityType=grocery,region=eu", -5.0), info.thresholds().get(0).perCombination());
        assertEquals(Map.of("entityType", Map.of("grocery", -7.0)), info.thresholds().get(0).perContext());
        assertEquals(Map.of(), info.thresholds().get(1).perCombination(), "no combination at the critical level");
    }
}
