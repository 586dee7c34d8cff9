package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.NormalcyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The number of mixture components K of the MAF_MOG base is a fit setting ({@link FitConfig.Builder#components}):
 * it reaches the trained model's spec and provenance, is checked with a message naming it, and is ignored by the
 * families without a mixture base, so one configuration serves every candidate of auto selection.
 */
class MixtureComponentsConfigTest {

    @Test
    void theSetKReachesTheTrainedModel() {
        Random rng = new Random(3);
        List<RawRecord> rows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double x = rng.nextBoolean() ? -2 + 0.3 * rng.nextGaussian() : 2 + 0.3 * rng.nextGaussian();
            rows.add(RawRecord.of(Map.of("x", x, "y", x + rng.nextGaussian())));
        }
        FitConfig config = FitConfig.builder().blocks(1).hidden(8).epochs(1).batchSize(64).components(5).seed(1)
                .build();
        NormalcyModel model = new ModelFitter().fit("k5", 1, rows, config, null).model();

        assertEquals(FlowType.MAF_MOG, model.spec().type());
        assertEquals(5, model.spec().components());
        assertEquals("5", model.provenance().config().get("components"));
        assertTrue(Double.isFinite(model.newScorer().scoreInto(Map.of("x", 2.0, "y", 2.0), Map.of(), Map.of(), 0L,
                null)));
    }

    @Test
    void defaultAndOtherFamilies() {
        assertEquals(FlowSpec.DEFAULT_COMPONENTS, FitConfig.defaults().components());
        assertEquals("3", FitConfig.defaults().describe().get("components"));
        FitConfig maf = FitConfig.builder().flowType(FlowType.MAF).components(5).build();
        assertEquals(0, maf.components(), "MAF has a Gaussian base: the setting does not apply");
        assertFalse(maf.describe().containsKey("components"));
        assertEquals(5, maf.toBuilder().flowType(FlowType.MAF_MOG).build().components(),
                "kept for the MAF_MOG candidates of auto selection");
        assertEquals(7, FitConfig.builder().components(7).build().sizedFor(10_000, 4, 0).components());
    }

    @Test
    void outOfRangeIsRejectedNamingTheSetting() {
        for (int k : new int[] {0, -1, FlowSpec.MAX_COMPONENTS + 1}) {
            var e = assertThrows(IllegalArgumentException.class, () -> FitConfig.builder().components(k).build());
            assertTrue(e.getMessage().contains("components") && e.getMessage().contains(Integer.toString(k)),
                    e.getMessage());
        }
        assertEquals(FlowSpec.MAX_COMPONENTS, FitConfig.builder().components(FlowSpec.MAX_COMPONENTS).build()
                .components());
    }
}
