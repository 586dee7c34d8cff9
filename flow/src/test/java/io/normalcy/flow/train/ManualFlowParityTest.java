package io.normalcy.flow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.PermutationMode;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The manual training step ({@link ManualFlow}) computes what the SameDiff graph ({@link FlowGraph}) computes:
 * the same log-density (also against the plain-Java kernel, the scoring reference), the same loss and the same
 * gradient of every trainable tensor, on parameters perturbed far from the initialisation so every term matters.
 * Specs cover each layer type with a manual pass (ActNorm, LU linear, permutation, masked affine as MAF, RealNVP
 * coupling and NICE, one and two hidden layers) and the MAF_MOG mixture base, with and without context. Both
 * sides run in float32; gradients are compared per tensor by the relative L2 error ‖g_manual − g_graph‖ / ‖g_graph‖.
 */
class ManualFlowParityTest {
    /** Relative L2 error allowed per gradient tensor (float32 sums over 64 rows in a different order). */
    private static final double GRAD_TOL = 1e-5;

    static Stream<Arguments> specs() {
        return Stream.of(
                // the benchmark-sized flows (TrainingHarness): FlowGraphParityTest's strong noise would drive
                // their 128-wide blocks to gradients of ~1e9, so they get the noise of a plausible trained state
                Arguments.of(FlowSpec.maf(16, 8, 5, 128), false),
                Arguments.of(spec(3, 0, Ordering.NATURAL, PermutationMode.NONE, false, false, 16), true),
                Arguments.of(spec(4, 3, Ordering.NATURAL, PermutationMode.NONE, true, false, 16, 12), true),
                Arguments.of(spec(5, 2, Ordering.RANDOM, PermutationMode.RANDOM, true, false, 16, 12), true),
                Arguments.of(spec(4, 2, Ordering.ALTERNATING, PermutationMode.REVERSE, true, true, 16), true),
                Arguments.of(spec(1, 2, Ordering.NATURAL, PermutationMode.NONE, true, false, 8), true),
                Arguments.of(FlowSpec.realNvp(16, 8, 5, 128), false),
                Arguments.of(new FlowSpec(FlowType.MAF, 4, 2, 3, new int[] {16}, true, true, PermutationMode.RANDOM,
                        Ordering.NATURAL, false, 2.0, 7L), true),
                Arguments.of(new FlowSpec(FlowType.REALNVP, 3, 0, 3, new int[] {16, 12}, true, true,
                        PermutationMode.NONE, Ordering.NATURAL, false, 2.0, 7L), true),
                Arguments.of(new FlowSpec(FlowType.REALNVP, 5, 4, 3, new int[] {16, 12}, true, true,
                        PermutationMode.REVERSE, Ordering.NATURAL, false, 2.0, 7L), true),
                Arguments.of(new FlowSpec(FlowType.REALNVP, 4, 1, 3, new int[] {16, 12}, false, true,
                        PermutationMode.NONE, Ordering.NATURAL, true, 2.0, 7L), true),
                Arguments.of(FlowSpec.mafMog(16, 8, 4, 64, 64), false),
                Arguments.of(FlowGraphParityTest.spec(FlowType.MAF_MOG, 3, 0, Ordering.NATURAL,
                        PermutationMode.NONE, true, false, false), true),
                Arguments.of(FlowGraphParityTest.spec(FlowType.MAF_MOG, 4, 3, Ordering.NATURAL,
                        PermutationMode.NONE, true, false, false), true),
                Arguments.of(FlowGraphParityTest.spec(FlowType.MAF_MOG, 5, 2, Ordering.ALTERNATING,
                        PermutationMode.REVERSE, true, true, false), true));
    }

    static FlowSpec spec(int d, int c, Ordering ordering, PermutationMode perm, boolean actNorm, boolean additive,
                         int... hidden) {
        return new FlowSpec(FlowType.MAF, d, c, 3, hidden, actNorm, false, perm, ordering, additive, 2.0, 7L);
    }

    /** {@link FlowGraphParityTest#perturbed} (strong) or the initialisation plus N(0, 0.05²) on every weight. */
    static FlowParameters params(FlowSpec spec, boolean strong, Random rng) {
        if (strong) {
            return FlowGraphParityTest.perturbed(spec, rng);
        }
        FlowParameters p = io.normalcy.flow.model.ParameterInitializer.initialize(spec, rng);
        FlowParameters out = new FlowParameters();
        for (Map.Entry<String, io.normalcy.flow.model.Tensor> e : p.asMap().entrySet()) {
            float[] v = e.getValue().data().clone();
            if (!e.getKey().endsWith(".perm") && !e.getKey().endsWith(".degrees")) {
                for (int i = 0; i < v.length; i++) {
                    v[i] += (float) (0.05 * rng.nextGaussian());
                }
            }
            out.put(e.getKey(), new io.normalcy.flow.model.Tensor(e.getValue().shape(), v));
        }
        return out;
    }

    private record Batch(double[][] u, double[][] ctx, INDArray x, INDArray c) {
    }

    private static Batch batch(FlowSpec spec, Random rng) {
        int n = 64;
        double[][] u = FlowGraphParityTest.gaussianRows(n, spec.dim(), 1.5, rng);
        double[][] ctx = spec.contextDim() > 0 ? FlowGraphParityTest.gaussianRows(n, spec.contextDim(), 1.0, rng)
                : null;
        return new Batch(u, ctx, Nd4j.create(u).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                ctx == null ? null : Nd4j.create(ctx).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
    }

    @ParameterizedTest
    @MethodSource("specs")
    void logProbEqualsGraphAndKernel(FlowSpec spec, boolean strong) {
        Random rng = new Random(11);
        FlowParameters params = params(spec, strong, rng);
        Batch b = batch(spec, rng);
        double[] kernel = FlowBuilder.build(spec, params).logProb(b.u(), b.ctx());
        double[] graph;
        double[] manual;
        try (FlowGraph g = FlowGraph.build(spec, params); ManualFlow m = ManualFlow.build(spec, params)) {
            graph = g.logProb(b.x(), b.c());
            manual = m.logProb(b.x(), b.c());
        }
        for (int i = 0; i < kernel.length; i++) {
            assertEquals(graph[i], manual[i], 1e-5 * (1 + Math.abs(graph[i])), "record " + i + " vs graph");
            assertEquals(kernel[i], manual[i], 1e-4 * (1 + Math.abs(kernel[i])), "record " + i + " vs kernel");
        }
    }

    @ParameterizedTest
    @MethodSource("specs")
    void lossAndEveryGradientEqualTheGraphs(FlowSpec spec, boolean strong) {
        Random rng = new Random(23);
        FlowParameters params = params(spec, strong, rng);
        Batch b = batch(spec, rng);
        try (FlowGraph g = FlowGraph.build(spec, params); ManualFlow m = ManualFlow.build(spec, params)) {
            assertEquals(List.copyOf(g.trainableNames()), List.copyOf(m.trainableNames()),
                    "same tensors in the same (clip-norm) order");
            TrainableFlow.Step expected = g.step(b.x(), b.c());
            TrainableFlow.Step actual = m.step(b.x(), b.c());
            assertEquals(expected.loss(), actual.loss(), 1e-5 * (1 + Math.abs(expected.loss())), "loss");
            double worst = 0;
            for (Map.Entry<String, INDArray> e : expected.gradients().entrySet()) {
                INDArray want = e.getValue();
                INDArray got = actual.gradients().get(e.getKey());
                assertNotNull(got, e.getKey());
                double ref = want.norm2Number().doubleValue();
                double err = want.castTo(got.dataType()).sub(got).norm2Number().doubleValue();
                double rel = err / Math.max(ref, 1e-30);
                worst = Math.max(worst, rel);
                assertTrue(ref > 0 || err == 0, e.getKey() + ": graph gradient is zero, manual " + err);
                assertTrue(rel <= GRAD_TOL, e.getKey() + ": relative gradient error " + rel + " (|g| " + ref + ")");
            }
            System.out.printf("%s: loss %.6f vs %.6f, worst relative gradient error %.2e over %d tensors%n",
                    spec, expected.loss(), actual.loss(), worst, expected.gradients().size());
            double flatNorm = Updates.globalNorm(actual);
            // one float32 norm over the flat array vs per-tensor norms summed in double
            assertEquals(Updates.globalNorm(expected.gradients()), flatNorm, 1e-4 * flatNorm, "clip norm");
        }
    }

    /** Every flow type trains manually today; AUTO would fall back to SameDiff for a layer type without a pass. */
    @Test
    void engineSwitchResolvesPerFlow() {
        for (FlowSpec spec : List.of(FlowSpec.maf(4, 2, 2, 8), FlowSpec.realNvp(4, 2, 2, 8),
                FlowSpec.mafMog(4, 2, 2, 8))) {
            assertTrue(ManualFlow.supports(spec), spec.type() + " has a manual pass for every layer");
            assertTrue(FlowTrainer.useManual(TrainingEngine.AUTO, spec));
            assertTrue(FlowTrainer.useManual(TrainingEngine.MANUAL, spec));
            assertFalse(FlowTrainer.useManual(TrainingEngine.SAMEDIFF, spec));
            assertEquals(TrainingEngine.SAMEDIFF, FlowTrainer.engineFor(TrainingEngine.SAMEDIFF, spec));
            assertEquals(TrainingEngine.MANUAL, FlowTrainer.engineFor(TrainingEngine.AUTO, spec));
        }
        assertThrows(IllegalArgumentException.class, () -> new TrainingOptions(1, 8, 1e-3, 0, 5, 1, 0.1, 1L, 0,
                null));
    }

    static Stream<FlowSpec> trainedSpecs() {
        return Stream.of(new FlowSpec(FlowType.MAF, 4, 2, 3, new int[] {16}, true, true, PermutationMode.RANDOM,
                Ordering.NATURAL, false, 3.0, 5L), FlowSpec.mafMog(4, 2, 2, 16));
    }

    /**
     * Both engines train the same flow from the same start on the same data (ActNorm data init, LU, permutations,
     * context, a partial last batch, warm-up and cosine schedule, clipping, weight decay): the validation NLL of
     * every epoch agrees to float reassociation, and the fitted weights score the same through the kernel.
     */
    @ParameterizedTest
    @MethodSource("trainedSpecs")
    void bothEnginesTrainTheSameTrajectory(FlowSpec spec) {
        Random rng = new Random(3);
        int n = 1000; // 900 training rows: seven full batches of 128 and a partial one of 4
        double[][] ctx = FlowGraphParityTest.gaussianRows(n, 2, 1.0, rng);
        double[][] u = new double[n][4];
        for (int i = 0; i < n; i++) {
            double prev = ctx[i][0];
            for (int j = 0; j < 4; j++) {
                u[i][j] = Math.sin(prev) + 0.5 * ctx[i][1] + 0.4 * rng.nextGaussian();
                prev = u[i][j];
            }
        }
        FlowParameters init = io.normalcy.flow.model.ParameterInitializer.initialize(spec, new Random(1));
        // clip 1.0 so that clipping is active in the early steps
        TrainingOptions base = new TrainingOptions(4, 128, 3e-3, 1e-3, 1.0, 10, 0.1, 9L, 2);
        TrainingResult sd = new FlowTrainer(base.withEngine(TrainingEngine.SAMEDIFF))
                .fit(spec, init, TrainingData.of(u, ctx), ProgressListener.NONE);
        TrainingResult manual = new FlowTrainer(base.withEngine(TrainingEngine.MANUAL))
                .fit(spec, init, TrainingData.of(u, ctx), ProgressListener.NONE);
        assertEquals(sd.history().size(), manual.history().size());
        double first = sd.history().get(0).valNll();
        double last = sd.history().get(sd.history().size() - 1).valNll();
        assertTrue(last < first - 0.1, "the run must actually train: " + first + " -> " + last);
        for (int e = 0; e < sd.history().size(); e++) {
            double a = sd.history().get(e).valNll();
            double b = manual.history().get(e).valNll();
            System.out.printf("%s epoch %d: val NLL samediff %.6f, manual %.6f%n", spec.type(), e, a, b);
            assertEquals(a, b, 1e-3 * (1 + Math.abs(a)), "validation NLL of epoch " + e);
        }
        double[] lpSd = FlowBuilder.build(spec, sd.best()).logProb(u, ctx);
        double[] lpManual = FlowBuilder.build(spec, manual.best()).logProb(u, ctx);
        double[] lpOwn;
        try (ManualFlow m = ManualFlow.build(spec, manual.best())) {
            lpOwn = m.logProb(Nd4j.create(u).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT),
                    Nd4j.create(ctx).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(lpSd[i], lpManual[i], 1e-2 * (1 + Math.abs(lpSd[i])), "kernel log p of record " + i);
            assertEquals(lpManual[i], lpOwn[i], 1e-4 * (1 + Math.abs(lpManual[i])), "manual vs kernel, record " + i);
        }
    }
}
