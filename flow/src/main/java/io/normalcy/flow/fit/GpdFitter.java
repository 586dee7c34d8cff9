package io.normalcy.flow.fit;

import org.apache.commons.math3.analysis.solvers.BrentSolver;
import org.apache.commons.math3.exception.MathIllegalStateException;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.univariate.BrentOptimizer;
import org.apache.commons.math3.optim.univariate.SearchInterval;
import org.apache.commons.math3.optim.univariate.UnivariateObjectiveFunction;

/**
 * Maximum-likelihood fit of a {@link GeneralizedPareto} to threshold exceedances (Coles 2001, §4.3), with the shape
 * ξ confined to [{@value #MIN_SHAPE}, {@value #MAX_SHAPE}] and optionally shrunk towards 0 by a Gaussian penalty
 * −ξ²/(2τ²) (a N(0, τ²) prior, i.e. the maximum a-posteriori estimate).
 *
 * <p>Why the range: below ξ = −0.5 the ML estimator is not regular (Smith 1985) and its end-point estimates are
 * erratic; above 0.5 the tail has no finite variance, which a log-density of a fitted flow does not produce. Why
 * the shrinkage: the threshold at a rare level extrapolates by a factor log(p_u/q) in σ but log² in ξ, so with a
 * few dozen exceedances the free shape dominates the error; and the lower tail of a log-density is exponential
 * (ξ = 0) for light- and heavy-tailed data alike — for a Gaussian −log p = ½χ²_d + c, for a Student t the tail of
 * −log p decays like exp(−s·ν/(ν + d)) — so 0 is the right prior centre (the Gumbel domain of attraction).
 *
 * <p>Computation: for a fixed ξ the likelihood has a single maximum in σ (score equation solved by Brent's method
 * in log σ); the resulting profile likelihood in ξ is maximised by a grid over the allowed range followed by
 * Brent's method around the best grid point. Deterministic; too few or degenerate exceedances (fewer than
 * {@value #MIN_EXCEEDANCES}, all equal) give the exponential fit σ = mean, the ML estimate under ξ = 0.
 */
public final class GpdFitter {
    public static final double MIN_SHAPE = -0.5;
    public static final double MAX_SHAPE = 0.5;
    /** Fewer exceedances than this cannot tell a shape from noise: the exponential fit is returned. */
    public static final int MIN_EXCEEDANCES = 10;
    private static final int GRID = 20;

    private final double shapePriorSd;

    /**
     * @param shapePriorSd τ of the N(0, τ²) penalty on ξ; {@link Double#POSITIVE_INFINITY} = plain maximum
     *                     likelihood, 0 = exponential (ξ fixed at 0)
     */
    public GpdFitter(double shapePriorSd) {
        if (!(shapePriorSd >= 0)) {
            throw new IllegalArgumentException("shape prior sd must be >= 0: " + shapePriorSd);
        }
        this.shapePriorSd = shapePriorSd;
    }

    /** Plain maximum likelihood (no shrinkage). */
    public static GpdFitter maximumLikelihood() {
        return new GpdFitter(Double.POSITIVE_INFINITY);
    }

    /**
     * Fits exceedances {@code y} (finite, ≥ 0, at least one &gt; 0).
     *
     * @throws IllegalArgumentException when {@code y} is empty, has a negative or non-finite value, or is all 0
     */
    public GeneralizedPareto fit(double[] y) {
        if (y.length == 0) {
            throw new IllegalArgumentException("cannot fit a GPD to no exceedances");
        }
        double sum = 0;
        double max = 0;
        double min = Double.POSITIVE_INFINITY;
        for (double v : y) {
            if (!(v >= 0 && Double.isFinite(v))) {
                throw new IllegalArgumentException("exceedances must be finite and >= 0, got " + v);
            }
            sum += v;
            max = Math.max(max, v);
            min = Math.min(min, v);
        }
        if (max == 0) {
            throw new IllegalArgumentException("all " + y.length + " exceedances are 0: no tail to fit");
        }
        GeneralizedPareto exponential = GeneralizedPareto.exponential(sum / y.length);
        if (y.length < MIN_EXCEEDANCES || min == max || shapePriorSd == 0) {
            return exponential;
        }
        try {
            return profile(y, sum, max);
        } catch (MathIllegalStateException | IllegalArgumentException e) {
            return exponential; // ill-conditioned: the ML estimate under ξ = 0 is always defined
        }
    }

    private GeneralizedPareto profile(double[] y, double sum, double max) {
        double best = Double.NEGATIVE_INFINITY;
        double bestShape = 0;
        for (int i = 0; i <= GRID; i++) {
            double xi = MIN_SHAPE + (MAX_SHAPE - MIN_SHAPE) * i / GRID;
            double v = penalised(y, sum, max, xi);
            if (v > best) {
                best = v;
                bestShape = xi;
            }
        }
        double step = (MAX_SHAPE - MIN_SHAPE) / GRID;
        double lo = Math.max(MIN_SHAPE, bestShape - step);
        double hi = Math.min(MAX_SHAPE, bestShape + step);
        double xi = new BrentOptimizer(1e-10, 1e-8).optimize(new MaxEval(200),
                new UnivariateObjectiveFunction(s -> penalised(y, sum, max, s)), GoalType.MAXIMIZE,
                new SearchInterval(lo, hi, bestShape)).getPoint();
        if (penalised(y, sum, max, xi) < best) {
            xi = bestShape;
        }
        return new GeneralizedPareto(xi, scaleGivenShape(y, sum, max, xi));
    }

    /** Profile log-likelihood minus the shape penalty; −∞ where σ cannot be solved for (never the optimum). */
    private double penalised(double[] y, double sum, double max, double xi) {
        double penalty = Double.isInfinite(shapePriorSd) ? 0 : xi * xi / (2 * shapePriorSd * shapePriorSd);
        double scale;
        try {
            scale = scaleGivenShape(y, sum, max, xi);
        } catch (MathIllegalStateException | IllegalArgumentException e) {
            return Double.NEGATIVE_INFINITY;
        }
        if (!(scale > 0 && Double.isFinite(scale))) {
            return Double.NEGATIVE_INFINITY;
        }
        return new GeneralizedPareto(xi, scale).logLikelihood(y) - penalty;
    }

    /**
     * The σ maximising the likelihood for a fixed ξ: the root in s = log(1/σ) of the score
     * k/t − (1 + ξ)·Σ yᵢ/(1 + ξ·t·yᵢ), t = 1/σ, which is positive for small t and negative near the largest
     * admissible t (∞ for ξ ≥ 0, 1/(|ξ|·max y) for ξ &lt; 0).
     */
    static double scaleGivenShape(double[] y, double sum, double max, double xi) {
        int k = y.length;
        if (Math.abs(xi) < GeneralizedPareto.EXPONENTIAL_EPS) {
            return sum / k;
        }
        java.util.function.DoubleUnaryOperator score = t -> {
            double s = 0;
            for (double v : y) {
                s += v / (1 + xi * t * v);
            }
            return k / t - (1 + xi) * s;
        };
        double lo = k / (4 * (1 + xi) * sum);
        if (xi < 0) {
            lo = Math.min(lo, 1 / (2 * -xi * max));
        }
        double hi;
        if (xi < 0) {
            double bound = 1 / (-xi * max);
            double gap = 1e-3;
            hi = bound * (1 - gap);
            while (score.applyAsDouble(hi) >= 0 && gap > 1e-15) {
                gap /= 10;
                hi = bound * (1 - gap);
            }
        } else {
            hi = 2 * lo;
            for (int i = 0; i < 200 && score.applyAsDouble(hi) >= 0; i++) {
                hi *= 2;
            }
        }
        double logLo = Math.log(lo);
        double logHi = Math.log(hi);
        double root = new BrentSolver(1e-12, 1e-12).solve(500, s -> score.applyAsDouble(Math.exp(s)), logLo, logHi);
        return Math.exp(-root);
    }
}
