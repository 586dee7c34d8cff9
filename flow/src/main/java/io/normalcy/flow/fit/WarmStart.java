package io.normalcy.flow.fit;

import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a retrain can start from the previous version's weights, and why not.
 *
 * <p>Why: a retrain on a window that mostly overlaps the previous one should land near the previous model. Starting
 * from its weights takes fewer epochs and keeps successive versions (and their thresholds) close, instead of
 * drawing a new random start each time. The previous weights mean something only in the previous model's flow
 * space, so a warm start also reuses its preprocessing (means, stds, steps) and context encoding: the start is
 * then exactly the previous density, and training moves it to the new window. log p(x | c) stays exact: the
 * reused preprocessing is a recorded bijection like any other.
 *
 * <p>It applies only when nothing that gives the weights their meaning changed: the same architecture and seed
 * (shapes, ordering, permutation), the same features with the same integer and log1p treatment, the same
 * categorical vocabularies and cyclic fields, the same numeric context fields, the same dequantisation steps, a
 * location and scale of every feature within {@link #MAX_DRIFT} of the previous ones, and every training value
 * acceptable to the previous preprocessing (e.g. no negative value of a log1p feature). Otherwise the fit starts
 * cold and records why.
 *
 * @param applies     true when the previous model's weights, preprocessing and context encoding are reused
 * @param description recorded in the model's provenance ({@code warmStart}): the source version, or why not
 */
public record WarmStart(boolean applies, String description) {

    /** No previous model was offered. */
    public static final WarmStart COLD = new WarmStart(false, "cold");
    /** Largest shift (in previous stds) or scale ratio of a feature that still warm-starts. */
    static final double MAX_DRIFT = 10.0;

    /**
     * @param previous the currently published version (nullable: cold)
     * @param spec     the architecture the new fit uses
     * @param pre      the preprocessing fitted on the new training rows
     * @param context  the context encoding fitted on the new training rows
     * @param raw      the new training rows (feature values)
     */
    public static WarmStart decide(NormalcyModel previous, FlowSpec spec, FeaturePreprocessor pre,
                                   ContextSpec context, double[][] raw) {
        if (previous == null) {
            return COLD;
        }
        String why = incompatibility(previous, spec, pre, context, raw);
        String from = previous.name() + " v" + previous.version();
        return why == null ? new WarmStart(true, "from " + from) : new WarmStart(false, "cold: " + from + " " + why);
    }

    private static String incompatibility(NormalcyModel previous, FlowSpec spec, FeaturePreprocessor pre,
                                          ContextSpec context, double[][] raw) {
        if (!previous.spec().equals(spec)) {
            return "has another architecture (" + previous.spec() + " vs " + spec + ")";
        }
        List<FeaturePreprocessor.Feature> old = previous.preprocessor().features();
        List<FeaturePreprocessor.Feature> now = pre.features();
        for (int i = 0; i < now.size(); i++) {
            FeaturePreprocessor.Feature a = old.get(i);
            FeaturePreprocessor.Feature b = now.get(i);
            if (!a.name().equals(b.name()) || a.dequantize() != b.dequantize() || a.log1p() != b.log1p()) {
                return "has feature " + i + " '" + a.name() + "' (integer " + a.dequantize() + ", log1p " + a.log1p()
                        + ") where the new fit has '" + b.name() + "' (integer " + b.dequantize() + ", log1p "
                        + b.log1p() + ")";
            }
            String moved = moved(a, b);
            if (moved != null) {
                return moved;
            }
        }
        ContextSpec oldCtx = previous.contextSpec();
        if (!oldCtx.categorical().equals(context.categorical()) || !oldCtx.cyclic().equals(context.cyclic())
                || !numericNames(oldCtx).equals(numericNames(context))) {
            return "encodes the context differently (vocabulary or fields changed)";
        }
        double[] u = new double[pre.dimension()];
        for (int r = 0; r < raw.length; r++) {
            try {
                previous.preprocessor().toFlowSpace(raw[r], u, null);
            } catch (IllegalArgumentException e) {
                return "cannot preprocess training row " + r + ": " + e.getMessage();
            }
        }
        return null;
    }

    /**
     * Why feature {@code a} (previous) no longer describes the new data {@code b}, or null: another dequantisation
     * step, or a location or scale that moved by more than {@value #MAX_DRIFT} previous standard deviations / times.
     * Past that the previous flow space puts the new rows far out in its tails, a worse start than a cold one.
     */
    private static String moved(FeaturePreprocessor.Feature a, FeaturePreprocessor.Feature b) {
        if (Math.abs(a.step() - b.step()) > 1e-12 * Math.max(a.step(), b.step())) {
            return "has feature '" + a.name() + "' with dequantisation step " + a.step() + ", the new data "
                    + b.step();
        }
        double shift = Math.abs(b.mean() - a.mean()) / a.std();
        double ratio = b.std() / a.std();
        if (shift > MAX_DRIFT || ratio > MAX_DRIFT || ratio < 1 / MAX_DRIFT) {
            return "has feature '" + a.name() + "' at mean " + a.mean() + ", std " + a.std() + "; the new data moved"
                    + " to mean " + b.mean() + ", std " + b.std();
        }
        return null;
    }

    private static List<String> numericNames(ContextSpec c) {
        List<String> out = new ArrayList<>();
        c.numeric().forEach(f -> out.add(f.name()));
        return out;
    }
}
