package io.normalcy.flow.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.layer.MixtureBaseLayer;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.PermutationMode;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.transform.BaseDensity;
import io.normalcy.flow.transform.Flow;
import io.normalcy.flow.transform.MadeMixture;
import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float SIMD kernel against the double reference kernel: every layer of every flow type on its own (same input,
 * outputs, log-det and per-position terms), then whole flows (log p and per-feature contributions), for D = 1, 3, 8,
 * 16, 32 with hidden widths that are not multiples of the vector length, with and without context. Weights are
 * perturbed away from the near-identity initialisation so that every network matters. Bounds: 1e-4 nats absolute on
 * log-densities of ordinary size, 1e-4 relative for far-out records (see the two whole-flow tests).
 */
class SimdKernelParityTest {
    private static final double TOL = 1e-4;

    @BeforeAll
    static void vectorApiPresent() {
        assertTrue(KernelSelector.vectorModulePresent(), "the test JVM must run with --add-modules "
                + KernelSelector.VECTOR_MODULE + " (root pom argLine)");
    }

    static Stream<Arguments> specs() {
        List<Arguments> out = new ArrayList<>();
        for (int d : new int[] {1, 3, 8, 16, 32}) {
            int c = d == 3 ? 0 : 5;
            int[] hidden = d <= 3 ? new int[] {24, 20} : new int[] {2 * d + 3};
            out.add(Arguments.of(spec(FlowType.MAF, d, c, hidden, Ordering.NATURAL, PermutationMode.NONE, true,
                    false, false)));
            out.add(Arguments.of(spec(FlowType.MAF_MOG, d, c, hidden, Ordering.NATURAL, PermutationMode.NONE, true,
                    false, false)));
            if (d > 1) {
                out.add(Arguments.of(spec(FlowType.REALNVP, d, c, hidden, Ordering.NATURAL, PermutationMode.REVERSE,
                        true, true, false)));
            }
        }
        // the remaining layer variants: random ordering + permutation + LU, NICE, alternating MAF_MOG blocks
        out.add(Arguments.of(spec(FlowType.MAF, 16, 5, new int[] {40}, Ordering.RANDOM, PermutationMode.RANDOM,
                true, true, false)));
        out.add(Arguments.of(spec(FlowType.REALNVP, 8, 5, new int[] {30}, Ordering.NATURAL, PermutationMode.NONE,
                false, true, true)));
        out.add(Arguments.of(spec(FlowType.MAF_MOG, 16, 5, new int[] {33, 17}, Ordering.ALTERNATING,
                PermutationMode.REVERSE, true, true, false)));
        return out.stream();
    }

    /**
     * Layer widths that give every grouping of output chunks the SIMD kernel has (four, two with equal or different
     * reach, one, and their combinations) for vectors of 8 and of 16 floats, and both ways a hidden layer's input is
     * read (in place, or compacted when the layer is many chunks wide): MAF outputs 2D = 10, 16, 24, 32, 64 wide,
     * mixture outputs 3K·D = 9D wide, hidden widths of 1 to 17 chunks.
     */
    static Stream<Arguments> chunkShapes() {
        List<Arguments> out = new ArrayList<>();
        int[][] shapes = {{5, 16}, {8, 40}, {12, 72}, {16, 136}, {32, 20}, {8, 40, 72}, {16, 72, 136}};
        for (int[] shape : shapes) {
            int[] hidden = Arrays.copyOfRange(shape, 1, shape.length);
            for (FlowType type : new FlowType[] {FlowType.MAF, FlowType.MAF_MOG}) {
                out.add(Arguments.of(spec(type, shape[0], 4, hidden, Ordering.NATURAL, PermutationMode.NONE, true,
                        false, false)));
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("chunkShapes")
    void everyChunkGroupingMatchesTheScalarKernel(FlowSpec spec) {
        everyLayerMatchesTheScalarKernel(spec);
        zeroInputsAndOneHotContextsMatchTheScalarKernel(spec);
        wholeFlowMatchesTheScalarKernel(spec);
    }

    static FlowSpec spec(FlowType type, int d, int c, int[] hidden, Ordering ordering, PermutationMode perm,
                         boolean actNorm, boolean lu, boolean additive) {
        return new FlowSpec(type, d, c, 3, hidden, actNorm, lu, perm, ordering, additive, 2.0, 7L);
    }

    @ParameterizedTest
    @MethodSource("specs")
    void everyLayerMatchesTheScalarKernel(FlowSpec spec) {
        Random rng = new Random(5);
        FlowParameters params = perturbed(spec, rng, 0.2, 0.1);
        double[][] x = rows(64, spec.dim(), 1.5, rng);
        double[][] ctx = contexts(64, spec.contextDim(), rng);
        int simdLayers = 0;
        for (int k = 0; k < spec.blocks(); k++) {
            List<Transform> scalar = FlowBuilder.blockParts(spec, params, k, ScoringKernel.SCALAR);
            List<Transform> simd = FlowBuilder.blockParts(spec, params, k, ScoringKernel.SIMD);
            assertEquals(scalar.size(), simd.size());
            for (int t = 0; t < scalar.size(); t++) {
                Transform a = scalar.get(t);
                Transform b = simd.get(t);
                if (a instanceof MaskedAffineAutoregressive) {
                    assertFalse(b instanceof MaskedAffineAutoregressive, "block " + k + " layer " + t + " is SIMD");
                    simdLayers++;
                } else {
                    // ActNorm, LU, permutation: the scalar kernel is the fallback, same class and results
                    assertSame(a.getClass(), b.getClass(), "block " + k + " layer " + t + " falls back to scalar");
                }
                for (int r = 0; r < x.length; r++) {
                    compareForward(a, b, x[r], ctx[r], spec + " block " + k + " layer " + t + " row " + r);
                }
            }
        }
        assertEquals(spec.blocks(), simdLayers, "every masked affine layer has a SIMD kernel");
        if (spec.type() == FlowType.MAF_MOG) {
            MadeMixture a = MixtureBaseLayer.INSTANCE.kernel(spec, params);
            BaseDensity b = MixtureBaseLayer.INSTANCE.kernel(spec, params, ScoringKernel.SIMD);
            assertFalse(b instanceof MadeMixture, "the mixture base has a SIMD kernel");
            for (int r = 0; r < x.length; r++) {
                double[] pa = new double[spec.dim()];
                double[] pb = new double[spec.dim()];
                double la = a.logProb(x[r], ctx[r], pa);
                double lb = b.logProb(x[r], ctx[r], pb);
                assertEquals(la, lb, TOL, spec + " mixture row " + r);
                assertArrayClose(pa, pb, TOL, spec + " mixture terms row " + r);
            }
        }
    }

    /**
     * Exact zeros where the SIMD kernel skips or keeps rows: all-zero and sparse inputs (the first layer reads them in
     * place, zeros included; hidden layers compact their non-zero activations) under every one-hot context and the
     * all-zero one (the non-zero context entries are listed once per record and reused by every layer). With an
     * all-zero input a layer's output is bias + one context row, so a dropped or misplaced context row shows; sparse
     * inputs at random positions catch a row counted against the wrong chunk.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void zeroInputsAndOneHotContextsMatchTheScalarKernel(FlowSpec spec) {
        Random rng = new Random(17);
        FlowParameters params = perturbed(spec, rng, 0.2, 0.1);
        int d = spec.dim();
        int c = spec.contextDim();
        List<double[]> xs = new ArrayList<>();
        xs.add(new double[d]);
        for (double[] row : rows(6, d, 1.5, rng)) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextBoolean() ? 0.0 : row[j];
            }
            xs.add(row);
        }
        List<double[]> ctxs = new ArrayList<>();
        ctxs.add(new double[c]);
        for (int k = 0; k < c; k++) {
            double[] oneHot = new double[c];
            oneHot[k] = 1.0;
            ctxs.add(oneHot);
        }
        for (int k = 0; k < spec.blocks(); k++) {
            List<Transform> scalar = FlowBuilder.blockParts(spec, params, k, ScoringKernel.SCALAR);
            List<Transform> simd = FlowBuilder.blockParts(spec, params, k, ScoringKernel.SIMD);
            for (int t = 0; t < scalar.size(); t++) {
                for (double[] x : xs) {
                    for (double[] ctx : ctxs) {
                        compareForward(scalar.get(t), simd.get(t), x, ctx, spec + " block " + k + " layer " + t
                                + " x " + Arrays.toString(x) + " ctx " + Arrays.toString(ctx));
                    }
                }
            }
        }
        if (spec.type() == FlowType.MAF_MOG) {
            MadeMixture a = MixtureBaseLayer.INSTANCE.kernel(spec, params);
            BaseDensity b = MixtureBaseLayer.INSTANCE.kernel(spec, params, ScoringKernel.SIMD);
            for (double[] x : xs) {
                for (double[] ctx : ctxs) {
                    double[] pa = new double[d];
                    double[] pb = new double[d];
                    assertEquals(a.logProb(x, ctx, pa), b.logProb(x, ctx, pb), TOL, spec + " mixture");
                    assertArrayClose(pa, pb, TOL, spec + " mixture terms");
                }
            }
        }
    }

    /**
     * Weights near a trained model's (the benchmarks' noise level) and standard normal inputs: log-densities of
     * ordinary size, where the bound is absolute, 1e-4 nats, for log p and every contribution.
     */
    @ParameterizedTest
    @MethodSource("specs")
    void wholeFlowMatchesTheScalarKernel(FlowSpec spec) {
        Random rng = new Random(9);
        FlowParameters params = perturbed(spec, rng, 0.05, 0.05);
        Flow scalar = FlowBuilder.build(spec, params, ScoringKernel.SCALAR);
        Flow simd = FlowBuilder.build(spec, params, ScoringKernel.SIMD);
        double[][] u = rows(300, spec.dim(), 1.0, rng);
        double[][] ctx = contexts(u.length, spec.contextDim(), rng);
        int differ = 0;
        for (int r = 0; r < u.length; r++) {
            differ += compareFlow(scalar, simd, u[r], ctx[r], 0, spec + " row " + r) > 0 ? 1 : 0;
        }
        // the SIMD kernel really ran: float rounding shows somewhere (identical results would mean the scalar one)
        assertTrue(differ > 0, "SIMD results are bitwise equal to the scalar ones: was the SIMD kernel built?");
    }

    /**
     * Far-from-trained weights and extreme inputs (|u| up to 40): log p reaches −10^3..−10^8, and float rounding of
     * μ is multiplied by z, so the agreement is relative there, 1e-4·(1 + |log p|) (such records are anomalies under
     * either kernel; the absolute bound above is what thresholds of ordinary size see).
     */
    @ParameterizedTest
    @MethodSource("specs")
    void extremeInputsAgreeRelatively(FlowSpec spec) {
        Random rng = new Random(13);
        FlowParameters params = perturbed(spec, rng, 0.2, 0.1);
        Flow scalar = FlowBuilder.build(spec, params, ScoringKernel.SCALAR);
        Flow simd = FlowBuilder.build(spec, params, ScoringKernel.SIMD);
        double[][] u = rows(100, spec.dim(), 6.0, rng);
        for (int r = 0; r < u.length; r += 3) {
            u[r][rng.nextInt(spec.dim())] = rng.nextBoolean() ? 40 : -40;
        }
        double[][] ctx = contexts(u.length, spec.contextDim(), rng);
        for (int r = 0; r < u.length; r++) {
            compareFlow(scalar, simd, u[r], ctx[r], TOL, spec + " extreme row " + r);
        }
    }

    /** Compares log p and contributions; returns |Δ log p|. */
    private static double compareFlow(Flow scalar, Flow simd, double[] u, double[] c, double relative, String what) {
        double[] pa = new double[u.length];
        double[] pb = new double[u.length];
        double la = scalar.logProb(u, c, pa);
        double lb = simd.logProb(u, c, pb);
        double tol = TOL + relative * (1 + Math.abs(la));
        assertEquals(la, lb, tol, what);
        for (int i = 0; i < u.length; i++) {
            // a contribution's float error comes from the whole chain (LU and couplings mix coordinates): relative
            // to the record's log p
            assertEquals(pa[i], pb[i], tol, what + " contribution " + i);
        }
        return Math.abs(la - lb);
    }

    private static void compareForward(Transform a, Transform b, double[] x, double[] c, String what) {
        int d = x.length;
        double[] za = new double[d];
        double[] zb = new double[d];
        double[] pa = new double[d];
        double[] pb = new double[d];
        double la = a.forward(x, c, za, pa);
        double lb = b.forward(x, c, zb, pb);
        assertEquals(la, lb, TOL, what + " log-det");
        assertArrayClose(za, zb, TOL, what + " output");
        assertArrayClose(pa, pb, TOL, what + " per-position log-det");
    }

    private static void assertArrayClose(double[] a, double[] b, double tol, String what) {
        for (int i = 0; i < a.length; i++) {
            assertEquals(a[i], b[i], tol * Math.max(1, Math.abs(a[i])), what + " [" + i + "]");
        }
    }

    /** Initial parameters plus sizeable noise on every trainable tensor (structural tensors untouched). */
    static FlowParameters perturbed(FlowSpec spec, Random rng, double hiddenStd, double outputStd) {
        FlowParameters p = ParameterInitializer.initialize(spec, rng);
        FlowParameters out = new FlowParameters();
        for (Map.Entry<String, Tensor> e : p.asMap().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            if (name.endsWith(".perm") || name.endsWith(".degrees")) {
                out.put(name, t);
                continue;
            }
            double std = name.endsWith("out") ? outputStd : hiddenStd;
            float[] v = t.data().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] += (float) (std * rng.nextGaussian());
            }
            out.put(name, new Tensor(t.shape(), v));
        }
        return out;
    }

    static double[][] rows(int n, int d, double std, Random rng) {
        double[][] r = new double[n][d];
        for (double[] row : r) {
            for (int j = 0; j < d; j++) {
                row[j] = std * rng.nextGaussian();
            }
        }
        return r;
    }

    /** One-hot-like contexts (a zero entry or two, as the encoder produces) of length c. */
    static double[][] contexts(int n, int c, Random rng) {
        double[][] r = new double[n][c];
        for (double[] row : r) {
            for (int j = 0; j < c; j++) {
                row[j] = j == 0 ? 1.0 : (j % 2 == 0 ? 0.0 : rng.nextGaussian());
            }
        }
        return r;
    }
}
