package io.normalcy.flow.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.layer.MixtureBaseLayer;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.PermutationMode;
import io.normalcy.flow.model.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MAF_MOG (MAF blocks + {@link MadeMixture} base): every per-feature term is a normalised conditional density,
 * the conditionals really are multi-modal, and sampling draws from the density that scoring evaluates.
 */
class MixtureFlowTest {
    private static final FlowSpec SPEC = new FlowSpec(FlowType.MAF_MOG, 3, 2, 2, new int[] {16}, true, false,
            PermutationMode.NONE, Ordering.NATURAL, false, 3.0, 5L, 3);

    /** Random parameters whose base components sit apart (means −3, 0, 3, σ ≈ 0.5): clearly multi-modal. */
    static FlowParameters multimodal(FlowSpec spec, long seed) {
        FlowParameters p = FlowTestSupport.randomParameters(spec, seed, 0.5);
        int d = spec.dim();
        int k = spec.components();
        Tensor bias = p.get(MixtureBaseLayer.outputBias());
        float[] b = bias.data();
        for (int t = 0; t < k; t++) {
            for (int i = 0; i < d; i++) {
                b[t * d + i] += 0.3f * t;
                b[(k + t) * d + i] += (float) (-3 + 6.0 * t / (k - 1));
                b[(2 * k + t) * d + i] += -0.7f;
            }
        }
        return p;
    }

    /**
     * With NATURAL ordering the term of feature i depends on u_≤i only and is log p(u_i | u_&lt;i, c): integrated
     * over u_i with the prefix fixed it gives 1, for every i and prefix. (A per-feature split that were not a
     * conditional, e.g. one missing its log-det terms, would not integrate to 1.)
     */
    @Test
    void everyPerFeatureTermIsANormalisedConditional() {
        Flow flow = FlowBuilder.build(SPEC, multimodal(SPEC, 21));
        Random rng = new Random(4);
        double[] perDim = new double[3];
        for (int rep = 0; rep < 3; rep++) {
            double[] ctx = FlowTestSupport.randomVector(2, rng, 1);
            double[] u = FlowTestSupport.randomVector(3, rng, 1);
            for (int i = 0; i < 3; i++) {
                double keep = u[i];
                double step = 0.002;
                double sum = 0;
                int modes = 0;
                double prev2 = 0;
                double prev = 0;
                for (double t = -40; t <= 40; t += step) {
                    u[i] = t;
                    flow.logProb(u, ctx, perDim);
                    double p = Math.exp(perDim[i]);
                    sum += p * step;
                    modes += prev > prev2 && prev > p ? 1 : 0;
                    prev2 = prev;
                    prev = p;
                }
                u[i] = keep;
                assertEquals(1.0, sum, 0.005, "feature " + i + " rep " + rep);
                if (i == 0) {
                    assertTrue(modes >= 2, "the first feature's conditional should be multi-modal, modes " + modes);
                }
            }
        }
    }

    /** Sampled points follow the scored density: marginal probabilities P(u_0 &lt; a), P(u_1 &lt; b) on a grid. */
    @Test
    void samplesFollowTheDensity() {
        FlowSpec spec = new FlowSpec(FlowType.MAF_MOG, 2, 2, 2, new int[] {16}, true, false, PermutationMode.NONE,
                Ordering.NATURAL, false, 3.0, 9L, 3);
        Flow flow = FlowBuilder.build(spec, multimodal(spec, 31));
        double[] ctx = {0.4, -0.8};
        int n = 20_000;
        double[][] x = flow.sample(n, ctx, new Random(8));
        double[] cuts = {-1.0, 0.0, 1.0};
        double[][] sampled = new double[2][cuts.length];
        for (double[] row : x) {
            for (int j = 0; j < 2; j++) {
                for (int c = 0; c < cuts.length; c++) {
                    sampled[j][c] += row[j] < cuts[c] ? 1.0 / n : 0;
                }
            }
        }
        double step = 0.03;
        double[][] integral = new double[2][cuts.length];
        double[] u = new double[2];
        double total = 0;
        for (double a = -15; a <= 15; a += step) {
            for (double b = -15; b <= 15; b += step) {
                u[0] = a;
                u[1] = b;
                double p = Math.exp(flow.logProb(u, ctx)) * step * step;
                total += p;
                for (int c = 0; c < cuts.length; c++) {
                    integral[0][c] += a < cuts[c] ? p : 0;
                    integral[1][c] += b < cuts[c] ? p : 0;
                }
            }
        }
        assertEquals(1.0, total, 0.01);
        for (int j = 0; j < 2; j++) {
            for (int c = 0; c < cuts.length; c++) {
                double q = integral[j][c];
                double tol = 4 * Math.sqrt(q * (1 - q) / n) + 0.01;
                assertEquals(q, sampled[j][c], tol, "P(u_" + j + " < " + cuts[c] + ")");
            }
        }
    }
}
