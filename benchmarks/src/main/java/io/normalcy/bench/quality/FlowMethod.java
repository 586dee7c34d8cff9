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
 * own {@code Thresholds}, as the detector does. Every variant shares the demo's model definition
 * ({@code ServiceConfig}): context = entityType, region and cyclic {@code @hourOfDay}; {@code itemCount}
 * dequantized; log1p on the heavy-tailed features; min-context-samples 300; the same splits and seed. They differ
 * in what issue 13 changed ({@link Variant}): the old default (MAF, Gaussian base, the fixed 3 × [64, 64] the demo
 * used) against today's default (MAF_MOG, sizes from {@code SizeRule}), so the numbers describe what a user gets
 * before and after, not a benchmark-tuned model. The anomaly score is −log p(x | c).
 */
final class FlowMethod {
    /** The demo's {@code min-context-samples}. */
    static final int MIN_CONTEXT_SAMPLES = 300;
    /** The flows' validation and calibration fractions (of the history); {@code CalibrationFloor} reuses them. */
    static final double VALIDATION = 0.1;
    static final double CALIBRATION = 0.25;

    /** Which configuration is fitted; {@link #label} names it in every table, CSV and plot. */
    enum Variant {
        /** Before issue 13: MAF with a Gaussian base and the demo's fixed sizes (3 × [64, 64], batch 512, ...). */
        OLD_DEFAULT("MAF (old default)", FlowType.MAF, true),
        /** Today's default: MAF_MOG and nothing size-related set, so {@code SizeRule} sizes it from rows × features. */
        DEFAULT("MAF_MOG (default)", FlowType.MAF_MOG, false),
        /** The coupling family, with the same fixed sizes as the old default (as the harness always ran it). */
        REALNVP("RealNVP", FlowType.REALNVP, true);

        final String label;
        final FlowType type;
        /** True: the demo's fixed sizes and optimiser settings; false: only the model definition, sizes by data. */
        final boolean fixedSizes;

        Variant(String label, FlowType type, boolean fixedSizes) {
            this.label = label;
            this.type = type;
            this.fixedSizes = fixedSizes;
        }
    }

    private final Variant variant;
    private final QualityOptions options;
    private FitResult fit;

    FlowMethod(Variant variant, QualityOptions options) {
        this.variant = variant;
        this.options = options;
    }

    /**
     * The configuration of {@code variant} as the trainer's {@code FitConfigs} would build it. The default variant
     * sets only what the demo's model definition needs (features, integer and log1p features, context,
     * min-context-samples, splits, seed) plus {@code --epochs} when given, so blocks, hidden widths, epochs,
     * patience and weight decay come from {@code SizeRule} and batch size and learning rate from the builder.
     */
    static FitConfig config(Variant variant, QualityOptions o) {
        FitConfig.Builder b = FitConfig.builder()
                .flowType(variant.type)
                .seed(o.seed())
                .features(PaymentsModel.FEATURES)
                .integerFeatures(java.util.Set.of(PaymentsModel.INTEGER_FEATURE))
                .log1pFeatures(new LinkedHashSet<>(PaymentsModel.LOG1P_FEATURES))
                .categoricalContext(List.of(PaymentsModel.ENTITY_TYPE, PaymentsModel.REGION))
                .cyclicContext(List.of(new ContextSpec.CyclicField("hourOfDay", ContextSpec.HOUR_OF_DAY, 24)))
                .minContextSamples(MIN_CONTEXT_SAMPLES)
                .trainFraction(1 - VALIDATION - CALIBRATION)
                .validationFraction(VALIDATION);
        if (variant.fixedSizes) {
            b.blocks(3).hidden(64, 64).epochs(o.epochs()).batchSize(512).learningRate(0.003).patience(3)
                    .sizeToData(false);
        } else if (o.epochsGiven()) {
            b.epochs(o.epochs());
        }
        return b.build();
    }

    String name() {
        return variant.label;
    }

    Variant variant() {
        return variant;
    }

    /**
     * The settings the fit actually used (after {@code SizeRule}), from the model's provenance: flow type,
     * blocks × hidden, epochs cap, batch, learning rate, patience, weight decay and how the sizes were chosen.
     */
    String settings() {
        java.util.Map<String, String> c = model().provenance().config();
        return String.format(Locale.ROOT, "%s, %s blocks × hidden %s, up to %s epochs, batch %s, learning rate %s,"
                        + " patience %s, weight decay %s; sizing: %s", c.get("flowType"), c.get("blocks"),
                c.get("hidden"), c.get("epochs"), c.get("batchSize"), c.get("learningRate"), c.get("patience"),
                c.get("weightDecay"), c.get("sizing"));
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
        fit = new ModelFitter().fit(PaymentsModel.MODEL, 1, QualityData.raw(history), config(variant, options),
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
        String rule = String.format(Locale.ROOT, "own calibrated thresholds (%,d calibration records: %,d held"
                + " out + the validation rows; per context from its fitted lower tail where it has ≥ 300 records and"
                + " records × level ≥ 0.1, else the next field, else global)", fit.metrics().calibratedCount(),
                fit.metrics().heldOutCount());
        return new MethodScores(name(), "features given context", rule, score, warning, critical,
                (System.nanoTime() - t0) / 1e9, true);
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
