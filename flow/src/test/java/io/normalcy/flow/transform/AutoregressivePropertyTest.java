package io.normalcy.flow.transform;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowSpec;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.normalcy.flow.transform.FlowTestSupport.randomVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MAF with NATURAL ordering: perDim[i] is log p(u_i | u_&lt;i, c). */
class AutoregressivePropertyTest {
    private final FlowSpec spec = FlowSpec.maf(5, 3, 3, 24, 24);
    private final Flow flow = FlowBuilder.build(spec, FlowTestSupport.randomParameters(spec, 2024, 1.0));

    @Test
    void laterFeaturesDoNotChangeEarlierTermsButEarlierOnesDo() {
        Random rng = new Random(5);
        double[] ctx = randomVector(3, rng, 1);
        for (int rep = 0; rep < 10; rep++) {
            double[] u = randomVector(5, rng, 1);
            double[] base = new double[5];
            flow.logProb(u, ctx, base);
            for (int j = 0; j < 5; j++) {
                double[] v = u.clone();
                v[j] += 0.7 + rng.nextDouble();
                double[] pd = new double[5];
                flow.logProb(v, ctx, pd);
                for (int i = 0; i < j; i++) {
                    assertEquals(base[i], pd[i], 1e-12, "perDim[" + i + "] must not depend on u_" + j);
                }
                assertTrue(Math.abs(base[j] - pd[j]) > 1e-6, "perDim[" + j + "] must depend on u_" + j);
                if (j < 4) {
                    assertTrue(Math.abs(base[4] - pd[4]) > 1e-9, "perDim[4] must depend on u_" + j);
                }
            }
            double[] other = ctx.clone();
            other[1] += 1.0;
            double[] pc = new double[5];
            flow.logProb(u, other, pc);
            assertTrue(Math.abs(base[0] - pc[0]) > 1e-6, "the first feature's density must depend on the context");
        }
    }

    @Test
    void eachConditionalIntegratesToOne() {
        Random rng = new Random(9);
        double[] ctx = randomVector(3, rng, 1);
        double[] u = randomVector(5, rng, 1);
        double[] pd = new double[5];
        for (int i : new int[] {0, 2, 4}) {
            double keep = u[i];
            double step = 0.01;
            double sum = 0;
            for (double t = -30; t <= 30; t += step) {
                u[i] = t;
                flow.logProb(u, ctx, pd);
                sum += Math.exp(pd[i]) * step;
            }
            u[i] = keep;
            assertEquals(1.0, sum, 1e-3, "∫ p(u_" + i + " | u_<" + i + ", c) du_" + i);
        }
    }
}
