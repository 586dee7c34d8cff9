package io.normalcy.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The end-to-end harness's model-size options: the default is the documented 5 × [128], both can be changed. */
class EndToEndOptionsTest {

    @Test
    void theModelIsFiveBlocksOfOneHundredTwentyEightUnlessGiven() throws Exception {
        EndToEndBenchmark.Options o = EndToEndBenchmark.Options.parse(new String[0]);
        assertEquals(5, o.blocks);
        assertEquals(128, o.hidden);
        assertTrue(o.describe().contains("model 5 blocks x [128]"), o.describe());
    }

    @Test
    void blocksAndHiddenAreTakenAndShownInTheRunDescription() throws Exception {
        EndToEndBenchmark.Options o = EndToEndBenchmark.Options.parse(
                new String[] {"--blocks", "3", "--hidden", "64", "--dims", "8"});
        assertEquals(3, o.blocks);
        assertEquals(64, o.hidden);
        assertTrue(o.describe().contains("model 3 blocks x [64]"), o.describe());
    }
}
