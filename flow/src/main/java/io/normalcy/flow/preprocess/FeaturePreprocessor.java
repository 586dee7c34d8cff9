package io.normalcy.flow.preprocess;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Raw feature values ⇄ flow space, exactly as fixed in {@code docs/design.md} and recorded in the model,
 * so the detector applies the very transformation the trainer used. Per feature, in order:
 * <ol>
 *   <li>integer features are dequantised (training: r + U(0,1), scoring: r + 0.5), so the continuous
 *       flow density of a unit-width bin approximates the probability of the integer value (Uria et al.
 *       2013; Theis et al. 2016) instead of collapsing onto a spike; quantised continuous features (values on a
 *       grid of step h, e.g. 0.1 % CPU, or repeated values) and constant features are dequantised the same way
 *       with bin width h (training: r + h·U(0,1), scoring: r + h/2), see {@link QuantisationStep};</li>
 *   <li>optional y = log(1 + r), log-det −log(1 + r);</li>
 *   <li>u = (y − mean) / std, log-det −log std.</li>
 * </ol>
 * Adding the returned log-det to the flow's log-density gives log p(x | c) in the original units, so
 * scores are comparable across models with different preprocessing. For a feature dequantised with width h this
 * is the exact log-density of the dequantised variable at the bin centre, i.e. log P(bin) − log h (h = 1 for
 * integer features: the log-probability of the integer value). Immutable and thread-safe.
 */
public final class FeaturePreprocessor {

    /**
     * One feature's recorded preprocessing.
     *
     * @param name       feature name (used in every error message)
     * @param dequantize integer feature: add uniform noise / the bin centre
     * @param log1p      apply log(1 + r) (requires values ≥ 0)
     * @param mean       mean of the (dequantised, log1p'd) training values
     * @param std        standard deviation, finite and &gt; 0
     * @param step       dequantisation bin width h of a non-integer feature (quantised or constant in training),
     *                   0 = none; integer features ({@code dequantize}) always use width 1 and store 0
     */
    public record Feature(String name, boolean dequantize, boolean log1p, double mean, double std, double step) {
        /** A feature without a dequantisation step (continuous or integer). */
        public Feature(String name, boolean dequantize, boolean log1p, double mean, double std) {
            this(name, dequantize, log1p, mean, std, 0.0);
        }

        public Feature {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("feature name must not be empty");
            }
            if (!Double.isFinite(mean)) {
                throw new IllegalArgumentException("feature '" + name + "': mean must be finite, got " + mean);
            }
            if (!(std > 0) || Double.isInfinite(std)) {
                throw new IllegalArgumentException("feature '" + name + "': std must be finite and > 0, got " + std);
            }
            if (!(step >= 0) || Double.isInfinite(step) || (dequantize && step != 0)) {
                throw new IllegalArgumentException("feature '" + name + "': step must be finite and >= 0 (0 for"
                        + " integer features), got " + step);
            }
        }

        /** Width of the dequantisation bin: 1 for integer features, {@link #step} otherwise (0 = continuous). */
        public double binWidth() {
            return dequantize ? 1.0 : step;
        }
    }

    private final Feature[] features;
    private final double[] logStd;

    public FeaturePreprocessor(List<Feature> features) {
        if (features == null || features.isEmpty()) {
            throw new IllegalArgumentException("a preprocessor needs at least one feature");
        }
        this.features = features.toArray(new Feature[0]);
        this.logStd = new double[this.features.length];
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < this.features.length; i++) {
            if (this.features[i] == null) {
                throw new IllegalArgumentException("feature " + i + " must not be null");
            }
            if (!seen.add(this.features[i].name())) {
                throw new IllegalArgumentException("duplicate feature name '" + this.features[i].name() + "'");
            }
            logStd[i] = Math.log(this.features[i].std());
        }
    }

    /** {@link #fit(double[][], List, boolean[], Log1pMode[])} with {@link Log1pMode#AUTO} everywhere. */
    public static FeaturePreprocessor fit(double[][] raw, List<String> names, boolean[] integerFlags) {
        Log1pMode[] modes = new Log1pMode[names.size()];
        java.util.Arrays.fill(modes, Log1pMode.AUTO);
        return fit(raw, names, integerFlags, modes);
    }

    /**
     * Learns the preprocessing from training rows. Integer features must hold integral values; other features
     * get a dequantisation step when their training values repeat ({@link QuantisationStep#of}). The mean and
     * std are those of the dequantised values (bin centres, plus the uniform noise's variance h²/12 when no
     * log1p follows). A feature whose dequantised values still have no spread gets std 1 (any positive std is
     * a valid bijection).
     *
     * @throws IllegalArgumentException naming the feature and row for non-finite, non-integral or
     *                                  (with log1p ALWAYS) negative values
     */
    public static FeaturePreprocessor fit(double[][] raw, List<String> names, boolean[] integerFlags,
                                          Log1pMode[] log1p) {
        int d = names.size();
        if (integerFlags == null || integerFlags.length != d || log1p == null || log1p.length != d) {
            throw new IllegalArgumentException("names, integer flags and log1p modes must all have length " + d);
        }
        if (raw == null || raw.length < 2) {
            throw new IllegalArgumentException("fitting the preprocessing needs at least 2 rows");
        }
        List<Feature> out = new ArrayList<>(d);
        double[] col = new double[raw.length];
        for (int j = 0; j < d; j++) {
            out.add(fitFeature(raw, d, j, names.get(j), integerFlags[j], log1p[j], col));
        }
        return new FeaturePreprocessor(out);
    }

    /** Column {@code j}'s preprocessing (rows of length {@code d}); {@code col} is scratch of length raw.length. */
    private static Feature fitFeature(double[][] raw, int d, int j, String name, boolean integer, Log1pMode mode,
                                      double[] col) {
        double min = Double.POSITIVE_INFINITY;
        for (int r = 0; r < raw.length; r++) {
            if (raw[r] == null || raw[r].length != d) {
                throw new IllegalArgumentException("row " + r + " must have " + d + " values");
            }
            double v = raw[r][j];
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("feature '" + name + "' row " + r + " is not finite: " + v);
            }
            if (integer && v != Math.rint(v)) {
                throw new IllegalArgumentException("feature '" + name + "' is an integer feature but row " + r
                        + " holds " + v);
            }
            col[r] = v;
            min = Math.min(min, v);
        }
        double step = integer ? 0.0 : QuantisationStep.of(col);
        double width = integer ? 1.0 : step;
        for (int r = 0; r < col.length; r++) {
            col[r] += width / 2;
        }
        boolean useLog = useLog(name, mode, min, col);
        if (useLog) {
            for (int r = 0; r < col.length; r++) {
                col[r] = Math.log1p(col[r]);
            }
        }
        double mean = 0;
        for (double v : col) {
            mean += v;
        }
        mean /= col.length;
        double var = 0;
        for (double v : col) {
            var += (v - mean) * (v - mean);
        }
        var /= col.length;
        if (!useLog) {
            var += width * width / 12.0;
        } else if (width > 0) {
            // the noise's spread after log1p at the bin centres (matters when the bin centres do not vary)
            double dy = Math.log1p(Math.expm1(mean) + width / 2) - Math.log1p(Math.expm1(mean) - width / 2);
            var += dy * dy / 12.0;
        }
        double std = Math.sqrt(var);
        if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
            std = 1.0;
        }
        return new Feature(name, integer, useLog, mean, std, step);
    }

    private static boolean useLog(String name, Log1pMode mode, double min, double[] col) {
        return switch (mode == null ? Log1pMode.NEVER : mode) {
            case NEVER -> false;
            case ALWAYS -> {
                if (min < 0) {
                    throw new IllegalArgumentException("feature '" + name + "' has negative training value "
                            + min + " and cannot be log1p-transformed");
                }
                yield true;
            }
            case AUTO -> min >= 0 && skewness(col) > Log1pMode.AUTO_SKEWNESS;
        };
    }

    public int dimension() {
        return features.length;
    }

    public List<Feature> features() {
        return List.of(features);
    }

    public List<String> names() {
        List<String> n = new ArrayList<>(features.length);
        for (Feature f : features) {
            n.add(f.name());
        }
        return n;
    }

    /**
     * Scoring path: integer features at their bin centre r + 0.5. Writes u into {@code outU}, overwrites
     * {@code perDimLogDet} (nullable) with each feature's preprocessing log-det and returns their sum.
     *
     * @throws IllegalArgumentException naming the feature for non-finite, non-integral integer-feature,
     *                                  or negative log1p-feature values
     */
    public double toFlowSpace(double[] raw, double[] outU, double[] perDimLogDet) {
        checkLength(raw, "raw");
        double total = 0;
        for (int i = 0; i < features.length; i++) {
            Feature f = features[i];
            double r = raw[i];
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("feature '" + f.name() + "' is not finite: " + r);
            }
            if (f.dequantize()) {
                if (r != Math.rint(r)) {
                    throw new IllegalArgumentException("feature '" + f.name() + "' is an integer feature but got " + r);
                }
                total += map(i, r + 0.5, r, outU, perDimLogDet);
            } else if (f.step() > 0) {
                total += map(i, r + f.step() / 2, r, outU, perDimLogDet);
            } else {
                total += map(i, r, r, outU, perDimLogDet);
            }
        }
        return total;
    }

    /**
     * Training path: maps values already dequantised by {@link #dequantize} (no +0.5 added here).
     * Same outputs as {@link #toFlowSpace}.
     */
    public double continuousToFlowSpace(double[] continuous, double[] outU, double[] perDimLogDet) {
        checkLength(continuous, "continuous");
        double total = 0;
        for (int i = 0; i < features.length; i++) {
            double r = continuous[i];
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("feature '" + features[i].name() + "' is not finite: " + r);
            }
            total += map(i, r, r, outU, perDimLogDet);
        }
        return total;
    }

    /** Training noise: integer features get r + U(0,1), stepped features r + h·U(0,1), others are copied. */
    public double[] dequantize(double[] raw, Random rng) {
        checkLength(raw, "raw");
        double[] out = new double[raw.length];
        for (int i = 0; i < features.length; i++) {
            double r = raw[i];
            if (!Double.isFinite(r)) {
                throw new IllegalArgumentException("feature '" + features[i].name() + "' is not finite: " + r);
            }
            double w = features[i].binWidth();
            out[i] = w > 0 ? r + w * rng.nextDouble() : r;
        }
        return out;
    }

    /**
     * Inverse for sampling: y = u·std + mean, r = expm1(y) for log1p features (clamped at 0, their training
     * support), floor(r) for integer features (the bin the continuous value fell into), r − h/2 for stepped
     * features (their grid's origin is not recorded, so the value is not snapped to it).
     */
    public double[] fromFlowSpace(double[] u) {
        checkLength(u, "u");
        double[] r = new double[u.length];
        for (int i = 0; i < features.length; i++) {
            Feature f = features[i];
            double v = continuousValue(i, u[i]);
            r[i] = f.dequantize() ? Math.floor(v) : v - f.step() / 2;
        }
        return r;
    }

    /**
     * An interval [uLo, uHi] of feature {@code i} in flow space, in original units: the inverse standardisation
     * and log1p give the interval of the continuous (dequantised) value v, which is monotone in u. A feature
     * dequantised with bin width h (integer: 1) reports every value r whose bin [r, r + h) overlaps it:
     * integers floor(vLo)..floor(vHi), stepped features [vLo − h, vHi] (their grid's origin is not recorded), so
     * the reported values hold at least the interval's probability. log1p features are clamped at 0, their
     * training support.
     *
     * @return {low, high}
     */
    public double[] intervalFromFlowSpace(int i, double uLo, double uHi) {
        if (i < 0 || i >= features.length) {
            throw new IllegalArgumentException("feature index " + i + " out of range [0, " + features.length + ")");
        }
        Feature f = features[i];
        double lo = continuousValue(i, uLo);
        double hi = continuousValue(i, uHi);
        if (f.dequantize()) {
            lo = Math.floor(lo);
            hi = Math.floor(hi);
        } else if (f.step() > 0) {
            lo -= f.step();
        }
        if (f.log1p()) {
            lo = Math.max(0.0, lo);
            hi = Math.max(0.0, hi);
        }
        return new double[] {lo, hi};
    }

    /** y = u·std + mean, then expm1 for log1p features (clamped at 0, their training support). */
    private double continuousValue(int i, double u) {
        Feature f = features[i];
        double y = u * f.std() + f.mean();
        return f.log1p() ? Math.max(0.0, Math.expm1(y)) : y;
    }

    private double map(int i, double r, double given, double[] outU, double[] perDim) {
        Feature f = features[i];
        double ld = -logStd[i];
        double y = r;
        if (f.log1p()) {
            if (r < 0) {
                throw new IllegalArgumentException("feature '" + f.name() + "' is log1p-transformed and needs values"
                        + " >= 0, got " + given);
            }
            y = Math.log1p(r);
            ld -= y;
        }
        outU[i] = (y - f.mean()) / f.std();
        if (perDim != null) {
            perDim[i] = ld;
        }
        return ld;
    }

    private void checkLength(double[] a, String what) {
        if (a == null || a.length != features.length) {
            throw new IllegalArgumentException(what + " must have " + features.length + " values "
                    + names() + ", got " + (a == null ? "null" : a.length));
        }
    }

    private static double skewness(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x;
        }
        m /= v.length;
        double m2 = 0;
        double m3 = 0;
        for (double x : v) {
            double t = x - m;
            m2 += t * t;
            m3 += t * t * t;
        }
        m2 /= v.length;
        m3 /= v.length;
        return m2 <= 0 ? 0 : m3 / Math.pow(m2, 1.5);
    }
}
