package io.normalcy.bench.sizing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.fit.FitConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A variant's overrides replace single settings of its base; the rest keep what the base gives. */
class SizingBenchmarkTest {

    @Test
    void overridesWinOverTheRuleAndTheRestFollowIt() {
        FitConfig c = SizingBenchmark.configure("sized:6x128:wd=1e-5", Duration.ofSeconds(1)).build()
                .sizedFor(100_000, 16, 0);
        assertEquals(6, c.blocks());
        assertArrayEquals(new int[] {128, 128}, c.hidden());
        assertEquals(1e-5, c.weightDecay(), 1e-15);
        FitConfig rule = FitConfig.builder().build().sizedFor(100_000, 16, 0);
        assertEquals(rule.epochs(), c.epochs());
        assertEquals(rule.patience(), c.patience());
    }

    @Test
    void fixedBaseTakesEpochsAndPatience() {
        FitConfig c = SizingBenchmark.configure("fixed:epochs=29:patience=10", Duration.ofSeconds(1)).build()
                .sizedFor(100_000, 16, 0);
        assertEquals(29, c.epochs());
        assertEquals(10, c.patience());
        assertEquals(4, c.blocks());
        assertEquals(1e-5, c.weightDecay(), 1e-15);
    }

    @Test
    void unknownOverrideNamesTheVariant() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SizingBenchmark.configure("sized:lr=1", Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("'lr=1'") && e.getMessage().contains("sized:lr=1"), e.getMessage());
    }
}
