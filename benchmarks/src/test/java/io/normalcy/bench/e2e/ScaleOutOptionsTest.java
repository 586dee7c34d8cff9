package io.normalcy.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.bench.e2e.ScaleOutOptions.Shape;
import io.normalcy.flow.kernel.ScoringKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing of the scale-out harness's options and the run order of its configurations. */
class ScaleOutOptionsTest {

    @Test
    void defaultsAreTheThreeConfigurationsOnSixPartitionsAtDimensionSixteen() throws Exception {
        ScaleOutOptions o = ScaleOutOptions.parse(new String[0]);
        assertEquals(List.of(new Shape(1, 1), new Shape(1, 2), new Shape(2, 1)), o.configs());
        assertEquals(6, o.e2e().partitions);
        assertEquals(List.of(16), o.e2e().dims);
        assertEquals(1, o.e2e().reps);
        assertEquals(ScoringKernel.SCALAR, o.e2e().kernel());
    }

    @Test
    void ownAndSharedOptionsAreBothTaken() throws Exception {
        ScaleOutOptions o = ScaleOutOptions.parse(new String[] {"--records", "1234", "--configs", "1x1, 3x2",
            "--dim", "32", "--reps", "3", "--partitions", "8", "--kernel", "scalar"});
        assertEquals(List.of(new Shape(1, 1), new Shape(3, 2)), o.configs());
        assertEquals(1234, o.e2e().records);
        assertEquals(List.of(32), o.e2e().dims);
        assertEquals(3, o.e2e().reps);
        assertEquals(8, o.e2e().partitions);
        assertTrue(o.describe().contains("[1x1, 3x2]"), o.describe());
    }

    @Test
    void moreStreamThreadsThanPartitionsIsRefusedNamingTheConfiguration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ScaleOutOptions.parse(new String[] {"--configs", "2x4"}));
        assertTrue(e.getMessage().contains("2x4") && e.getMessage().contains("6 partitions"), e.getMessage());
    }

    @Test
    void badConfigurationsAndOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> ScaleOutOptions.parse(new String[] {"--configs", "2"}));
        assertThrows(IllegalArgumentException.class, () -> ScaleOutOptions.parse(new String[] {"--configs", "0x1"}));
        assertThrows(IllegalArgumentException.class, () -> ScaleOutOptions.parse(new String[] {"--configs", "ax1"}));
        assertThrows(IllegalArgumentException.class, () -> ScaleOutOptions.parse(new String[] {"--dims", "8,16"}));
        IllegalArgumentException noDim = assertThrows(IllegalArgumentException.class,
                () -> ScaleOutOptions.parse(new String[] {"--dim"}));
        assertTrue(noDim.getMessage().startsWith("Missing required parameter for option '--dim'"),
                noDim.getMessage());
        IllegalArgumentException badDim = assertThrows(IllegalArgumentException.class,
                () -> ScaleOutOptions.parse(new String[] {"--dim", "x"}));
        assertTrue(badDim.getMessage().startsWith("Invalid value for option '--dim'"), badDim.getMessage());
        IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class,
                () -> ScaleOutOptions.parse(new String[] {"--kernel", "gpu"}));
        assertTrue(kernel.getMessage().contains("--kernel"), kernel.getMessage());
    }

    @Test
    void evenRepsRunTheConfigurationsInReverseOrder() {
        List<Shape> c = List.of(new Shape(1, 1), new Shape(1, 2), new Shape(2, 1));
        assertEquals(c, ScaleOutBenchmark.order(c, 1));
        assertEquals(List.of(new Shape(2, 1), new Shape(1, 2), new Shape(1, 1)), ScaleOutBenchmark.order(c, 2));
        assertEquals(c, ScaleOutBenchmark.order(c, 3));
    }
}
