package io.normalcy.flow.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Contamination trimming: which rows go, and that a fit trimmed of its history's outliers stops modelling them. */
class ContaminationTrimTest {

    @Test
    void dropsTheLowestShareAndKeepsIndexOrder() {
        double[] ld = {-1, -9, -2, Double.NaN, -3, -0.5, -7, -4, -1.5, -2.5};
        assertArrayEquals(new int[] {0, 2, 4, 5, 6, 7, 8, 9}, ContaminationTrim.keep(ld, 0.2, 1),
                "0.2 of 10 rows: the unscorable row and the lowest (-9) go");
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, ContaminationTrim.keep(ld, 0.0, 1));
        assertArrayEquals(new int[] {0, 2, 4, 5, 6, 7, 8, 9}, ContaminationTrim.keep(ld, 0.2, 8),
                "minKeep equal to what is left changes nothing");
        assertArrayEquals(new int[] {0, 1, 2, 4, 5, 6, 7, 8, 9}, ContaminationTrim.keep(ld, 0.2, 9),
                "never fewer than minKeep rows: only the unscorable one goes");
    }

    @Test
    void refusesAShareOutsideTheRange() {
        assertThrows(IllegalArgumentException.class, () -> ContaminationTrim.keep(new double[3], 0.25, 1));
        assertThrows(IllegalArgumentException.class, () -> ContaminationTrim.keep(new double[3], -0.01, 1));
        assertThrows(IllegalArgumentException.class, () -> ContaminationTrim.keep(new double[3], Double.NaN, 1));
        var e = assertThrows(IllegalArgumentException.class, () -> FitConfig.builder().contamination(0.5).build());
        assertTrue(e.getMessage().contains("contamination"), e.getMessage());
    }

    /**
     * History: a Gaussian bulk plus 3 % of rows in a tight cluster far away (the anomalies the detector is meant
     * to catch, already in the history). Without trimming the flow gives the cluster a mode of its own; with
     * contamination 0.03 it is trimmed after the first fit and the cluster's log-density falls well below that
     * of the untrimmed model, while the bulk's stays where it was.
     */
    @Test
    void aTrimmedFitStopsModellingTheOutliersInItsHistory() {
        Random rng = new Random(11);
        List<RawRecord> rows = new ArrayList<>();
        List<Map<String, Double>> cluster = new ArrayList<>();
        List<Map<String, Double>> bulk = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            boolean bad = i % 100 < 3;
            Map<String, Double> f = bad ? Map.of("x", 6 + 0.05 * rng.nextGaussian(), "y", -6 + 0.05 * rng.nextGaussian())
                    : Map.of("x", rng.nextGaussian(), "y", rng.nextGaussian());
            rows.add(RawRecord.of(f));
            (bad ? cluster : bulk).add(f);
        }
        FitConfig.Builder base = FitConfig.builder().blocks(2).hidden(16, 16).epochs(15).patience(15).batchSize(100)
                .learningRate(5e-3).seed(5);
        FitResult plain = new ModelFitter().fit("plain", 1, rows, base.build(), null);
        FitResult trimmed = new ModelFitter().fit("trimmed", 1, rows, base.contamination(0.03).build(), null);

        String described = trimmed.model().provenance().config().get("contamination");
        assertTrue(described != null && described.contains("dropped the 24 of 800 trainer rows"), described);
        double clusterPlain = mean(plain.model(), cluster);
        double clusterTrimmed = mean(trimmed.model(), cluster);
        assertTrue(clusterTrimmed < clusterPlain - 3, "cluster log-density " + clusterTrimmed + " trimmed vs "
                + clusterPlain + " untrimmed");
        double bulkPlain = mean(plain.model(), bulk);
        double bulkTrimmed = mean(trimmed.model(), bulk);
        assertTrue(bulkTrimmed > bulkPlain - 0.2, "bulk " + bulkTrimmed + " trimmed vs " + bulkPlain);
    }

    private static double mean(NormalcyModel model, List<Map<String, Double>> rows) {
        Scorer scorer = model.newScorer();
        double sum = 0;
        for (Map<String, Double> f : rows) {
            sum += scorer.score(f, Map.of(), Map.of(), 0L).logDensity();
        }
        return sum / rows.size();
    }
}
