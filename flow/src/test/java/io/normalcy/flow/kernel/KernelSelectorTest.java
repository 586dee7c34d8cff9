package io.normalcy.flow.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The start-up choice of the scoring kernel (the module check injected; the real one in this JVM too). */
class KernelSelectorTest {
    private static final String KEY = "some.key";

    @Test
    void autoTakesSimdOnlyWhenTheVectorModuleIsPresent() {
        assertEquals(ScoringKernel.SIMD, KernelSelector.select("auto", KEY, () -> true));
        assertEquals(ScoringKernel.SCALAR, KernelSelector.select("auto", KEY, () -> false));
        assertEquals(ScoringKernel.SIMD, KernelSelector.select(null, KEY, () -> true));
        assertEquals(ScoringKernel.SCALAR, KernelSelector.select(" ", KEY, () -> false));
        assertEquals(ScoringKernel.SIMD, KernelSelector.select("AUTO", KEY, () -> true));
    }

    @Test
    void scalarIsAlwaysAvailable() {
        assertEquals(ScoringKernel.SCALAR, KernelSelector.select("scalar", KEY, () -> true));
        assertEquals(ScoringKernel.SCALAR, KernelSelector.select("scalar", KEY, () -> false));
    }

    @Test
    void simdWithoutTheModuleStopsStartUpNamingTheKey() {
        assertEquals(ScoringKernel.SIMD, KernelSelector.select("simd", KEY, () -> true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelSelector.select("simd", KEY, () -> false));
        assertTrue(e.getMessage().contains(KEY) && e.getMessage().contains("--add-modules jdk.incubator.vector"),
                e.getMessage());
    }

    @Test
    void unknownValueNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KernelSelector.select("fast", KEY, () -> true));
        assertTrue(e.getMessage().startsWith(KEY + " must be auto, scalar or simd"), e.getMessage());
    }

    @Test
    void thisTestJvmHasTheModuleSoAutoIsSimd() {
        // the root pom's argLine adds the module; without it this fails and the SIMD tests would not run
        assertTrue(KernelSelector.vectorModulePresent());
        assertEquals(ScoringKernel.SIMD, KernelSelector.select("auto", KEY));
        assertEquals(ScoringKernel.SIMD, KernelSelector.fromSystemProperty());
    }
}
