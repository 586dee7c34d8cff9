package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import io.normalcy.demo.PaymentsModel;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.FitResult;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.preprocess.ContextSpec;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * A conditional flow fitted and scored exactly as in production: {@link ModelFitter} (the trainer's code path,
 * which holds out a calibration split and calibrates per-context thresholds), then {@link Scorer} and the model's
 * own {@code Thresholds}, as the detector does. The model definition is the demo's ({@code ServiceConfig}): context
 * = entityType, region and cyclic {@code @hourOfDay}; {@code itemCount} dequantized; log1p on the heavy-tailed
 * features; 3 blocks of 64×64; so the numbers describe what a user of the demo configuration gets, not a
 * benchmark-tuned model. The anomaly score is −log p(x | c).
 */
final class FlowMethod {
    /** The demo's {@code min-context-samples}. */
    static final int MIN_CONTEXT_SAMPLES = 300;
    private final FlowType type;
    private final QualityOptions options;
    private FitResult fit;

    FlowMethod(FlowType type, QualityOptions options) {
        this.type = type;
        this.options = options;
    }

    /** The demo's model definition, as the trainer's {@code FitConfigs} turns it into a {@link FitConfig}. */
    static FitConfig config(FlowType type, QualityOptions o) {
        double validation = 0.1;
        double calibration = 0.25;
        return FitConfig.builder()
                .flowType(type)
                .blocks(3)
                .hidden(64, 64)
                .epochs(o.epochs())
                .batchSize(512)
                .learningRate(0.003)
                .patience(3)
                .seed(o.seed())
                .features(PaymentsModel.FEATURES)
                .integerFeatures(java.util.Set.of(PaymentsModel.INTEGER_FEATURE))
                .log1pFeatures(new LinkedHashSet<>(PaymentsModel.LOG1P_FEATURES))
                .categoricalContext(List.of(PaymentsModel.ENTITY_TYPE, PaymentsModel.REGION))
                .cyclicContext(List.of(new ContextSpec.CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24)))
                .minContextSamples(MIN_CONTEXT_SAMPLES)
                .trainFraction(1 - validation - calibration)
                .validationFraction(validation)
                .build();
    }

    String name() {
        return type == FlowType.MAF ? "MAF" : "RealNVP";
    }

    FitResult fit() {
        return fit;
    }

    NormalcyModel model() {
        return fit.model();
    }

    /** Trains on the history and scores the test stream with the model's calibrated thresholds. */
    MethodScores run(List<DemoEvent> history, List<DemoEvent> test) {
        long t0 = System.nanoTime();
        fit = new ModelFitter().fit(PaymentsModel.MODEL, 1, QualityData.raw(history), config(type, options),
                stats -> System.out.printf(Locale.ROOT, "  %s epoch %2d: train NLL %.3f, validation NLL %.3f%n",
                        name(), stats.epoch(), stats.trainNll(), stats.valNll()));
        System.out.printf(Locale.ROOT, "  %s trained in %.0f s (%d epochs, best %d); held-out mean log p %.3f%n",
                name(), (System.nanoTime() - t0) / 1e9, fit.history().size(),
                fit.metrics().bestEpoch(), fit.heldOutMeanLogDensity());
        Scorer scorer = fit.model().newScorer();
        double[] score = new double[test.size()];
        boolean[] warning = new boolean[test.size()];
        boolean[] critical = new boolean[test.size()];
        for (int i = 0; i < score.length; i++) {
            Scored s = score(scorer, test.get(i));
            score[i] = -s.logDensity();
            warning[i] = s.evaluation().severity() != Severity.NORMAL;
            critical[i] = s.evaluation().severity() == Severity.CRITICAL;
        }
        String rule = String.format(Locale.ROOT, "own calibrated thresholds (%,d held-out records; per context"
                + " from its fitted lower tail where it has ≥ 300 records and records × level ≥ 0.1, else the next"
                + " field, else global)", fit.metrics().heldOutCount());
        return new MethodScores(name(), "features given context", rule, score, warning, critical,
                (System.nanoTime() - t0) / 1e9);
    }

    /** log p(x | c) of one event and the detector's verdict on it (severity, threshold, scope). */
    record Scored(double logDensity, Evaluation evaluation) {
    }

    static Scored score(Scorer scorer, DemoEvent e) {
        var context = QualityData.context(e);
        double ld = scorer.scoreInto(e.features(), context, java.util.Map.of(), e.eventTime(), null);
        return new Scored(ld, scorer.model().thresholds().evaluate(ld, context));
    }
}
