package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.NormalcyModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 item 4 at fit time: rows lacking a feature are left out of training and counted whatever the feature's
 * policy, and each policy is stored with the feature's median over the calibration hold-out in original units.
 */
class MissingValuesFitTest {

    @Test
    void policiesAreStoredWithTheHeldOutMedianAndIncompleteRowsAreSkipped() {
        Random rng = new Random(5);
        List<RawRecord> rows = new ArrayList<>();
        List<double[]> complete = new ArrayList<>();
        int incomplete = 0;
        for (int i = 0; i < 400; i++) {
            double x = 10 + 3 * rng.nextGaussian();
            double y = x / 2 + rng.nextGaussian();
            Map<String, Double> f = new LinkedHashMap<>(Map.of("x", x, "y", y));
            if (i % 17 == 0) {
                f.remove(i % 2 == 0 ? "x" : "y");
                incomplete++;
            } else {
                complete.add(new double[] {x, y});
            }
            rows.add(new RawRecord(f, Map.of(), Map.of(), 1_700_000_000_000L + i * 1000L));
        }
        FitConfig config = FitConfig.builder().flowType(io.normalcy.flow.model.FlowType.MAF)
                .features(List.of("x", "y")).blocks(1).hidden(4).epochs(1).patience(1).seed(3)
                .minContextSamples(10).missing(Map.of("x", MissingPolicy.IMPUTE, "y", MissingPolicy.SKIP)).build();
        NormalcyModel m = new ModelFitter().fit("gaps", 1, rows, config, null).model();

        assertEquals(incomplete, m.provenance().skippedCount(), "rows with a missing feature do not train");
        assertEquals(complete.size(), m.provenance().recordCount());
        int[] calibration = DataSplit.of(complete.size(), config.calibrationFraction(), config.seed()).calibration();
        double[] xs = new double[calibration.length];
        double[] ys = new double[calibration.length];
        for (int i = 0; i < calibration.length; i++) {
            xs[i] = complete.get(calibration[i])[0];
            ys[i] = complete.get(calibration[i])[1];
        }
        assertEquals(median(xs), m.missing().median("x"), 0.0);
        assertEquals(median(ys), m.missing().median("y"), 0.0);
        assertEquals(MissingPolicy.IMPUTE, m.missing().policy("x"));
        assertEquals(MissingPolicy.SKIP, m.missing().policy("y"));
        assertEquals("x=impute,y=skip", m.provenance().config().get("missing"));
    }

    @Test
    void configRefusesPoliciesForUnknownFeaturesAndListedDeadLetter() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> FitConfig.builder()
                .features(List.of("x")).missing(Map.of("z", MissingPolicy.SKIP)).build());
        assertTrue(unknown.getMessage().contains("'z'"), unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FitConfig.builder().features(List.of("x"))
                .missing(Map.of("x", MissingPolicy.DEAD_LETTER)).build());
    }

    /** Independent of the fitter's: sort, then the middle value or the mean of the two middle ones. */
    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
