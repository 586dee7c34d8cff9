package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.NormalcyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Retraining from the previous version (issue 13): reuse when compatible, a named reason when not. */
class WarmStartTest {
    private static NormalcyModel previous;

    private static FitConfig.Builder config() {
        return FitConfig.builder().features(List.of("x", "y", "n")).integerFeatures(Set.of("n")).blocks(2)
                .hidden(16, 16).batchSize(64).learningRate(5e-3).seed(9);
    }

    private static List<RawRecord> rows(long seed, double shift) {
        Random rng = new Random(seed);
        List<RawRecord> out = new ArrayList<>();
        for (int i = 0; i < 800; i++) {
            double x = shift + rng.nextGaussian();
            out.add(RawRecord.of(Map.of("x", x, "y", x * x / 2 + 0.3 * rng.nextGaussian(),
                    "n", (double) rng.nextInt(3))));
        }
        return out;
    }

    @BeforeAll
    static void fitPrevious() {
        previous = new ModelFitter().fit("m", 1, rows(1, 0), config().epochs(15).patience(15).build(), null).model();
    }

    /** One epoch from the previous weights fits the next window better than one epoch from a random start. */
    @Test
    void warmStartReusesThePreviousModelAndStartsFromItsDensity() {
        List<RawRecord> next = rows(2, 0.1);
        FitConfig oneEpoch = config().epochs(1).patience(1).build();
        FitResult warm = new ModelFitter().fit("m", 2, next, oneEpoch, null, previous);
        FitResult cold = new ModelFitter().fit("m", 2, next, oneEpoch, null, null);
        assertEquals("from m v1", warm.model().provenance().config().get("warmStart"));
        assertEquals("cold", cold.model().provenance().config().get("warmStart"));
        assertEquals(previous.preprocessor().features(), warm.model().preprocessor().features(),
                "the previous preprocessing is reused, so the previous weights keep their meaning");
        assertTrue(warm.heldOutMeanLogDensity() > cold.heldOutMeanLogDensity() + 0.1,
                "warm " + warm.heldOutMeanLogDensity() + " vs cold " + cold.heldOutMeanLogDensity());
    }

    @Test
    void anotherArchitectureOrFeatureTreatmentStartsColdAndSaysWhy() {
        FitConfig wider = config().hidden(24, 24).epochs(1).patience(1).build();
        String why = new ModelFitter().fit("m", 2, rows(3, 0), wider, null, previous).model().provenance().config()
                .get("warmStart");
        assertTrue(why.startsWith("cold: m v1 has another architecture"), why);
        FitConfig notInteger = config().integerFeatures(Set.of()).epochs(1).patience(1).build();
        why = new ModelFitter().fit("m", 2, rows(3, 0), notInteger, null, previous).model().provenance().config()
                .get("warmStart");
        assertTrue(why.contains("feature 2 'n' (integer true"), why);
        assertFalse(why.startsWith("from"), why);
        FitConfig same = config().epochs(1).patience(1).build();
        why = new ModelFitter().fit("m", 2, rows(3, 50), same, null, previous).model().provenance().config()
                .get("warmStart");
        assertTrue(why.contains("has feature 'x' at mean") && why.contains("moved"), why);
    }
}
