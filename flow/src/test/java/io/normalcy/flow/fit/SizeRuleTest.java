package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The size rule's values for typical tables, explicit settings winning, and the rule applied by a fit. */
class SizeRuleTest {

    @Test
    void smallWideTableGetsASmallRegularisedNetwork() {
        // 3,000 × 36: 2,100 training rows; budget 2,100·36/5 = 15,120 weights → 3 × [32, 32] (13,440)
        SizeRule.Sizing s = SizeRule.forRows(3_000, 0.7, 36, 0);
        assertEquals(2_100, s.trainRows());
        assertEquals(new SizeRule.Size(3, 32), s.size());
        assertEquals(200, s.epochs());
        assertEquals(20, s.patience());
        assertEquals(1e-2, s.weightDecay(), 1e-12);
        assertTrue(SizeRule.weights(s.size(), 36, 0) <= 2_100 * 36 / SizeRule.VALUES_PER_WEIGHT);
    }

    @Test
    void mediumAndLargeTablesGetLargerStepsAndFewerEpochs() {
        // 70,000 training rows × 16 = 1.12M numbers: budget min(1.12M / 5, 100·√1.12M) = 105,830 → 5 × [96, 96]
        // (69,120); 6 × [128, 128] (135,168), which five numbers per weight alone admitted, overfit there
        SizeRule.Sizing medium = SizeRule.forRows(100_000, 0.7, 16, 0);
        assertEquals(new SizeRule.Size(5, 96), medium.size());
        assertEquals(29, medium.epochs());
        assertEquals(10, medium.patience());
        assertEquals(50.0 / 70_000, medium.weightDecay(), 1e-12);

        // at d = 16 the top step needs 100·√(16·n) ≥ 135,168, i.e. n ≥ 114,190 training rows
        assertEquals(new SizeRule.Size(5, 96), SizeRule.of(114_189, 16, 0).size());
        assertEquals(new SizeRule.Size(6, 128), SizeRule.of(114_190, 16, 0).size());

        SizeRule.Sizing large = SizeRule.forRows(1_000_000, 0.7, 16, 0);
        assertEquals(new SizeRule.Size(6, 128), large.size());
        assertEquals(SizeRule.MIN_EPOCHS, large.epochs());
        assertEquals(5, large.patience());
        assertEquals(50.0 / 700_000, large.weightDecay(), 1e-12);

        // 30,000 × 16 sits between: the former fixed default 4 × [64, 64], longer training, stronger decay
        SizeRule.Sizing between = SizeRule.forRows(30_000, 0.7, 16, 0);
        assertEquals(new SizeRule.Size(4, 64), between.size());
        assertEquals(95, between.epochs());
        assertEquals(10, between.patience());
        assertEquals(50.0 / 21_000, between.weightDecay(), 1e-12);

        SizeRule.Sizing narrow = SizeRule.forRows(10_000, 0.7, 8, 0);
        assertEquals(new SizeRule.Size(3, 32), narrow.size());
        assertEquals(200, narrow.epochs());
        assertEquals(20, narrow.patience());
        assertEquals(50.0 / 7_000, narrow.weightDecay(), 1e-12);
    }

    @Test
    void smallTablesKeepTheFivePerWeightPicks() {
        // below 250,000 numbers (n·d) the square-root term is the larger and does not bite; 100,000 × 4 is just
        // above
        assertEquals(new SizeRule.Size(4, 64), SizeRule.forRows(20_000, 0.7, 16, 0).size());
        assertEquals(new SizeRule.Size(2, 32), SizeRule.forRows(3_000, 0.7, 16, 0).size());
        // 100,000 × 4 (280,000 numbers): budget 52,915 still admits 5 × [96, 96] (51,840 weights at d = 4)
        assertEquals(new SizeRule.Size(5, 96), SizeRule.forRows(100_000, 0.7, 4, 0).size());
    }

    @Test
    void contextDimensionsCountAgainstTheBudget() {
        assertEquals(new SizeRule.Size(4, 64), SizeRule.forRows(30_000, 0.7, 16, 0).size());
        // 200 context dimensions: 3 × [64, 64] has 59,904 weights, above the budget of 57,966
        assertEquals(new SizeRule.Size(3, 32), SizeRule.forRows(30_000, 0.7, 16, 200).size());
    }

    @Test
    void unsetSizesFollowTheRuleAndExplicitOnesWin() {
        FitConfig unset = FitConfig.builder().build();
        FitConfig sized = unset.sizedFor(3_000, 36, 0);
        assertEquals(3, sized.blocks());
        assertArrayEquals(new int[] {32, 32}, sized.hidden());
        assertEquals(200, sized.epochs());
        assertEquals(20, sized.patience());
        assertEquals(1e-2, sized.weightDecay(), 1e-12);
        assertTrue(sized.describe().get("sizing").startsWith("by data: 2100 training rows × 36 features"),
                sized.describe().get("sizing"));

        FitConfig explicit = FitConfig.builder().blocks(5).hidden(8).epochs(7).patience(2).weightDecay(0.5).build();
        FitConfig kept = explicit.sizedFor(3_000, 36, 0);
        assertEquals(5, kept.blocks());
        assertArrayEquals(new int[] {8}, kept.hidden());
        assertEquals(7, kept.epochs());
        assertEquals(2, kept.patience());
        assertEquals(0.5, kept.weightDecay(), 1e-12);

        FitConfig partly = FitConfig.builder().epochs(3).build().sizedFor(1_000_000, 16, 0);
        assertEquals(3, partly.epochs());
        assertEquals(6, partly.blocks());
        assertTrue(partly.describe().get("sizing").contains("set by the user: [EPOCHS]"));
    }

    @Test
    void fixedDefaultsIgnoreTheDataSize() {
        FitConfig fixed = FitConfig.builder().sizeToData(false).build().sizedFor(3_000, 36, 0);
        assertEquals(4, fixed.blocks());
        assertArrayEquals(new int[] {64, 64}, fixed.hidden());
        assertEquals(50, fixed.epochs());
        assertEquals(5, fixed.patience());
        assertEquals(1e-5, fixed.weightDecay(), 1e-12);
        assertEquals("fixed defaults", fixed.describe().get("sizing"));
    }

    @Test
    void aFitRecordsTheSizesTheRuleChose() {
        Random rng = new Random(3);
        List<RawRecord> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            rows.add(new RawRecord(Map.of("a", rng.nextGaussian(), "b", rng.nextGaussian(), "c", rng.nextGaussian()),
                    Map.of(), Map.of(), 0));
        }
        // epochs set (fast test); the rest from 500 rows × 3 features: 350 training rows → the smallest step
        FitConfig config = FitConfig.builder().epochs(1).levels(List.of(new AlertLevel(0.1,
                io.normalcy.flow.model.Severity.WARNING))).build();
        Map<String, String> c = new ModelFitter().fit("small", 1, rows, config, null).model().provenance().config();
        assertEquals("2", c.get("blocks"));
        assertEquals("[16, 16]", c.get("hidden"));
        assertEquals("1", c.get("epochs"));
        assertEquals("20", c.get("patience"));
        assertEquals("0.01", c.get("weightDecay"));
        assertTrue(c.get("sizing").startsWith("by data: 350 training rows × 3 features"), c.get("sizing"));
        assertEquals(Set.of(FitConfig.Sized.EPOCHS), config.explicitSizes());
    }
}
