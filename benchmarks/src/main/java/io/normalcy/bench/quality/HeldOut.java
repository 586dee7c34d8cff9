package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import io.normalcy.flow.fit.ThresholdCalibrator;
import io.normalcy.flow.fit.TailCalibration;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.ThresholdLevel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fitted tails behind a model's thresholds, for the calibration report: bootstrap intervals per context and
 * what the full context hierarchy (entity type × region combinations, which the model format cannot store yet)
 * would alert. {@code ModelFitter} keeps the calibration hold-out to itself and reports only its log-densities,
 * so the hold-out's contexts are recovered by scoring the history with the fitted model, exactly as the fitter did,
 * and matching each held-out log-density to its event. The refit must reproduce the model's stored thresholds bit
 * for bit, which proves the reconstruction.
 */
final class HeldOut {
    private HeldOut() {
    }

    /**
     * @throws IllegalStateException when a held-out log-density matches no history event or the refit does not
     *                               reproduce the stored thresholds
     */
    static TailCalibration tails(FlowMethod flow, List<DemoEvent> history) {
        NormalcyModel model = flow.model();
        Scorer scorer = model.newScorer();
        double[][] scored = new double[history.size()][];
        double[] contributions = new double[model.featureNames().size()];
        for (int i = 0; i < history.size(); i++) {
            DemoEvent e = history.get(i);
            scored[i] = new double[] {scorer.scoreInto(e.features(), QualityData.context(e), Map.of(),
                    e.eventTime(), contributions), i};
        }
        Arrays.sort(scored, (a, b) -> Double.compare(a[0], b[0]));
        double[] keys = new double[scored.length];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = scored[i][0];
        }
        double[] heldOut = flow.fit().heldOutLogDensities();
        List<Map<String, String>> contexts = new ArrayList<>(heldOut.length);
        for (double ld : heldOut) {
            int at = Arrays.binarySearch(keys, ld);
            if (at < 0) {
                throw new IllegalStateException(flow.name() + ": held-out log-density " + ld
                        + " is not the score of any history event");
            }
            contexts.add(QualityData.context(history.get((int) scored[at][1])));
        }
        List<ThresholdLevel> levels = model.thresholds().levels();
        TailCalibration tails = new ThresholdCalibrator(levels.stream().map(l -> new io.normalcy.flow.fit.AlertLevel(
                l.level(), l.severity())).toList(), FlowMethod.MIN_CONTEXT_SAMPLES)
                .fitTails(heldOut, contexts, model.thresholds().scopeFields(), vocabularies(model));
        if (!tails.thresholds().equals(model.thresholds())) {
            throw new IllegalStateException(flow.name() + ": the refitted thresholds differ from the model's");
        }
        return tails;
    }

    private static Map<String, List<String>> vocabularies(NormalcyModel model) {
        Map<String, List<String>> vocab = new LinkedHashMap<>();
        model.contextSpec().categorical().forEach(f -> vocab.put(f.name(), f.vocabulary()));
        return vocab;
    }
}
