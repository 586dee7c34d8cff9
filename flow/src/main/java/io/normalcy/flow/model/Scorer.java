package io.normalcy.flow.model;

import io.normalcy.flow.preprocess.ContextEncoder;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import io.normalcy.flow.transform.Flow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores records against one {@link NormalcyModel}: maps the feature map by name into the preprocessor's order,
 * preprocesses, encodes the context and evaluates the flow's exact log-density plus the preprocessing log-dets.
 * Holds its own buffers, so {@link #scoreInto} allocates nothing per record (the flow's scratch space is
 * per-thread); {@link #score} allocates only the returned {@link Score}. Not thread-safe: one per thread.
 *
 * <p>Missing features follow the model's {@link MissingValues}: a missing feature with policy
 * {@link MissingPolicy#DEAD_LETTER} is an {@link InvalidInputException} ({@link Reason#MISSING_FEATURE}) naming it,
 * one with {@link MissingPolicy#IMPUTE} is scored at its held-out median ({@link Score#imputed()} names it), and
 * one with {@link MissingPolicy#SKIP} makes the record a {@link SkippedRecordException}. Precedence when several are
 * missing: dead-letter before skip (a record that breaks the contract is not silently counted), and an unknown
 * feature is refused before a skip too.
 */
public final class Scorer {
    private final NormalcyModel model;
    private final Flow flow;
    private final FeaturePreprocessor preprocessor;
    private final ContextEncoder encoder;
    private final String[] names;
    private final Map<String, Integer> index;
    private final String[] numericSources;
    private final double[] raw;
    private final double[] u;
    private final double[] ctx;
    private final double[] flowPerDim;
    private final double[] prePerDim;
    private final MissingPolicy[] policies;
    private final double[] medians;
    /** Which features of the last prepared record were imputed; {@link #imputedCount} of them are set. */
    private final boolean[] imputed;
    private int imputedCount;

    Scorer(NormalcyModel model, Flow flow) {
        this.model = model;
        this.flow = flow;
        this.preprocessor = model.preprocessor();
        this.encoder = model.contextEncoder();
        List<String> fn = model.featureNames();
        this.names = fn.toArray(String[]::new);
        this.index = new HashMap<>();
        for (int i = 0; i < names.length; i++) {
            index.put(names[i], i);
        }
        this.numericSources = model.contextSpec().numericSources().toArray(String[]::new);
        int d = names.length;
        raw = new double[d];
        u = new double[d];
        ctx = new double[encoder.dimension()];
        flowPerDim = new double[d];
        prePerDim = new double[d];
        policies = new MissingPolicy[d];
        medians = new double[d];
        imputed = new boolean[d];
        for (int i = 0; i < d; i++) {
            policies[i] = model.missing().policy(names[i]);
            medians[i] = model.missing().median(names[i]);
        }
    }

    public NormalcyModel model() {
        return model;
    }

    /**
     * log p(x | c) in original units with per-feature contributions.
     *
     * @throws InvalidInputException (reason + message naming the feature) for missing, non-finite or unknown
     *                               features, missing numeric context, or values the preprocessing rejects
     */
    public Score score(Map<String, Double> features, Map<String, String> context, Map<String, Double> contextNumeric,
                       long eventTimeMillis) {
        double[] contributions = new double[names.length];
        double ld = scoreInto(features, context, contextNumeric, eventTimeMillis, contributions);
        return new Score(ld, contributions, imputedFeatures());
    }

    /**
     * The features of the last scored (or ranged) record that were imputed with their held-out median, in feature
     * order; empty (allocation-free) when none was.
     */
    public List<String> imputedFeatures() {
        if (imputedCount == 0) {
            return List.of();
        }
        List<String> out = new ArrayList<>(imputedCount);
        for (int i = 0; i < names.length; i++) {
            if (imputed[i]) {
                out.add(names[i]);
            }
        }
        return out;
    }

    /**
     * Allocation-free variant of {@link #score}: writes the contributions (feature order) into
     * {@code contributions} (nullable) and returns the log-density.
     */
    public double scoreInto(Map<String, Double> features, Map<String, String> context,
                            Map<String, Double> contextNumeric, long eventTimeMillis, double[] contributions) {
        if (contributions != null && contributions.length != names.length) {
            throw new IllegalArgumentException("contributions must have length " + names.length);
        }
        double preLogDet = prepare(features, context, contextNumeric, eventTimeMillis);
        double flowLd = flow.logProb(u, ctx, flowPerDim);
        if (contributions != null) {
            for (int i = 0; i < contributions.length; i++) {
                contributions[i] = flowPerDim[i] + prePerDim[i];
            }
        }
        return flowLd + preLogDet;
    }

    /**
     * Each feature's central interval of probability {@code mass} under its exact conditional p(x_i | x_&lt;i, c)
     * given this event's context and preceding features, in original units ({@link ExpectedRanges}). For alerts:
     * it costs a few times a score, so it is not on the per-record path.
     *
     * @return null when the model's flow has no exact 1-D conditionals ({@link Flow#hasExactConditionals()}:
     *         RealNVP, LU layers, permutations, non-NATURAL orderings)
     * @throws InvalidInputException as {@link #score}
     */
    public ExpectedRanges expectedRanges(Map<String, Double> features, Map<String, String> context,
                                         Map<String, Double> contextNumeric, long eventTimeMillis, double mass) {
        return expectedRanges(features, context, contextNumeric, eventTimeMillis, mass, null);
    }

    /**
     * {@link #expectedRanges(Map, Map, Map, long, double)} for the features at {@code featureIndexes} only
     * ({@link NormalcyModel#featureNames()} order; null: all). An alert shows the ranges of its few top features,
     * and each range is two numeric quantile solves, so solving all D of them cost about as much as the rest of the
     * detector's hot path together (issue 14). The ranges still come back indexed by feature, with the same values
     * bit for bit as the all-features call; features not asked for have NaN ends.
     *
     * @throws IllegalArgumentException when an index is outside [0, D)
     * @throws InvalidInputException    as {@link #score}
     */
    public ExpectedRanges expectedRanges(Map<String, Double> features, Map<String, String> context,
                                         Map<String, Double> contextNumeric, long eventTimeMillis, double mass,
                                         int[] featureIndexes) {
        ExpectedRanges.checkMass(mass);
        if (featureIndexes != null) {
            for (int i : featureIndexes) {
                if (i < 0 || i >= names.length) {
                    throw new IllegalArgumentException("feature index " + i + " is outside [0, " + names.length
                            + ") of model " + model.name());
                }
            }
        }
        if (!flow.hasExactConditionals()) {
            return null;
        }
        prepare(features, context, contextNumeric, eventTimeMillis);
        double tail = (1 - mass) / 2;
        double[][] q = new double[2][names.length];
        flow.conditionalQuantiles(u, ctx, new double[] {tail, 1 - tail}, q, featureIndexes);
        double[] low = new double[names.length];
        double[] high = new double[names.length];
        java.util.Arrays.fill(low, Double.NaN);
        java.util.Arrays.fill(high, Double.NaN);
        int n = featureIndexes == null ? names.length : featureIndexes.length;
        for (int j = 0; j < n; j++) {
            int i = featureIndexes == null ? j : featureIndexes[j];
            double[] r = preprocessor.intervalFromFlowSpace(i, q[0][i], q[1][i]);
            low[i] = r[0];
            high[i] = r[1];
        }
        return new ExpectedRanges(mass, low, high);
    }

    /** Validates the record and fills raw, u, ctx and prePerDim; returns the preprocessing log-det. */
    private double prepare(Map<String, Double> features, Map<String, String> context,
                           Map<String, Double> contextNumeric, long eventTimeMillis) {
        readFeatures(features);
        Map<String, String> cat = context == null ? Map.of() : context;
        Map<String, Double> num = contextNumeric == null ? Map.of() : contextNumeric;
        for (String s : numericSources) {
            Double v = num.get(s);
            if (v == null) {
                throw new InvalidInputException(Reason.MISSING_CONTEXT, "missing numeric context '" + s + "'");
            }
            if (!Double.isFinite(v)) {
                throw new InvalidInputException(Reason.INVALID_VALUE, "numeric context '" + s + "' is not finite: "
                        + v);
            }
        }
        double preLogDet;
        try {
            java.util.Arrays.fill(prePerDim, 0.0);
            preLogDet = preprocessor.toFlowSpace(raw, u, prePerDim);
            encoder.encode(cat, num, eventTimeMillis, ctx);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException(Reason.INVALID_VALUE, e.getMessage());
        }
        for (int i = 0; i < u.length; i++) {
            if (!Double.isFinite(u[i])) {
                throw new InvalidInputException(Reason.INVALID_VALUE, "feature '" + names[i]
                        + "' is out of the model's range after preprocessing: " + raw[i]);
            }
        }
        return preLogDet;
    }

    private void readFeatures(Map<String, Double> features) {
        if (features == null) {
            throw new InvalidInputException(Reason.MISSING_FEATURE, "missing feature '" + names[0]
                    + "' (no features given)");
        }
        if (imputedCount > 0) {
            java.util.Arrays.fill(imputed, false);
            imputedCount = 0;
        }
        List<String> skipped = null;
        int present = 0;
        for (int i = 0; i < names.length; i++) {
            Double v = features.get(names[i]);
            if (v == null) {
                switch (policies[i]) {
                    case DEAD_LETTER -> throw new InvalidInputException(Reason.MISSING_FEATURE, "missing feature '"
                            + names[i] + "'");
                    case IMPUTE -> {
                        raw[i] = medians[i];
                        imputed[i] = true;
                        imputedCount++;
                    }
                    case SKIP -> {
                        if (skipped == null) {
                            skipped = new ArrayList<>(2);
                        }
                        skipped.add(names[i]);
                    }
                }
                continue;
            }
            double x = v;
            if (!Double.isFinite(x)) {
                throw new InvalidInputException(Reason.NON_FINITE_FEATURE, "feature '" + names[i]
                        + "' is not finite: " + x);
            }
            raw[i] = x;
            present++;
        }
        if (features.size() != present) { // a key that is none of the model's features
            for (String k : features.keySet()) {
                if (!index.containsKey(k)) {
                    throw new InvalidInputException(Reason.UNKNOWN_FEATURE, "unknown feature '" + k
                            + "' (model " + model.name() + " has " + model.featureNames() + ")");
                }
            }
        }
        if (skipped != null) {
            throw new SkippedRecordException(model.name(), skipped);
        }
    }
}
