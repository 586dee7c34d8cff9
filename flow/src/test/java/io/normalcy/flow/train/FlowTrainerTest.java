package io.normalcy.flow.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.PermutationMode;
import io.normalcy.flow.transform.Flow;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Maximum-likelihood training, early stopping and divergence handling on small problems. */
class FlowTrainerTest {
    private static final double RHO = 0.8;
    private static final double SX = 2.0;
    private static final double SY = 0.5;

    /** x ~ N(0, Σ), Σ = [[sx², ρ sx sy], [ρ sx sy, sy²]], plus an offset. */
    static double[][] correlatedGaussian(int n, Random rng) {
        double[][] r = new double[n][2];
        for (double[] row : r) {
            double a = rng.nextGaussian();
            double b = rng.nextGaussian();
            row[0] = 1.0 + SX * a;
            row[1] = -2.0 + SY * (RHO * a + Math.sqrt(1 - RHO * RHO) * b);
        }
        return r;
    }

    static double trueLogDensity(double[] x) {
        double a = (x[0] - 1.0) / SX;
        double b = ((x[1] + 2.0) / SY - RHO * a) / Math.sqrt(1 - RHO * RHO);
        double logDet = Math.log(SX) + Math.log(SY) + 0.5 * Math.log(1 - RHO * RHO);
        return -0.5 * (a * a + b * b) - Math.log(2 * Math.PI) - logDet;
    }

    static double meanNll(Flow flow, double[][] u, double[][] ctx) {
        double s = 0;
        double[] lp = flow.logProb(u, ctx);
        for (double v : lp) {
            s -= v;
        }
        return s / u.length;
    }

    @Test
    void learnsCorrelatedGaussianToWithinATenthOfANat() {
        FlowSpec spec = FlowSpec.maf(2, 0, 2, 16);
        Random rng = new Random(5);
        double[][] train = correlatedGaussian(3000, rng);
        double[][] test = correlatedGaussian(3000, rng);
        FlowParameters init = ParameterInitializer.initialize(spec, new Random(1));
        List<EpochStats> seen = new ArrayList<>();
        TrainingOptions opts = new TrainingOptions(40, 128, 3e-3, 1e-5, 5.0, 8, 0.2, 9L, 2);

        TrainingResult result = new FlowTrainer(opts).fit(spec, init, TrainingData.of(train, null), seen::add);

        double truthNll = 0;
        for (double[] x : test) {
            truthNll -= trueLogDensity(x);
        }
        truthNll /= test.length;
        double before = meanNll(FlowBuilder.build(spec, init), test, null);
        double after = meanNll(FlowBuilder.build(spec, result.best()), test, null);
        System.out.printf("2-D Gaussian: NLL before %.4f, after %.4f, truth %.4f, gap %.4f nats, %.0f samples/s%n",
                before, after, truthNll, after - truthNll, seen.get(seen.size() - 1).samplesPerSecond());
        assertTrue(after < before - 1.0, "training must reduce the NLL: before " + before + ", after " + after);
        assertTrue(Math.abs(after - truthNll) < 0.1, "test NLL " + after + " vs true " + truthNll);
        assertEquals(result.history(), seen, "listener sees every epoch");
        EpochStats last = seen.get(seen.size() - 1);
        assertTrue(last.samplesPerSecond() > 0 && last.learningRate() > 0, last.toString());
    }

    @Test
    void earlyStoppingReturnsTheBestValidationWeights() {
        // tiny data + wide network + no decay: validation NLL rises after a while (overfitting)
        FlowSpec spec = FlowSpec.maf(2, 0, 3, 64, 64);
        double[][] data = correlatedGaussian(120, new Random(8));
        TrainingOptions opts = new TrainingOptions(200, 16, 1e-2, 0.0, 100.0, 4, 0.5, 3L, 2);
        TrainingResult result = new FlowTrainer(opts).fit(spec, ParameterInitializer.initialize(spec, new Random(2)),
                TrainingData.of(data, null), ProgressListener.NONE);

        List<EpochStats> h = result.history();
        EpochStats last = h.get(h.size() - 1);
        assertTrue(result.stoppedEarly(), "should stop early, ran " + h.size() + " epochs");
        assertTrue(result.bestEpoch() >= 0 && result.bestEpoch() < last.epoch(), "best epoch " + result.bestEpoch());
        assertTrue(last.valNll() > result.bestValNll(), "last epoch is worse than the best");
        assertEquals(h.get(result.bestEpoch()).valNll(), result.bestValNll(), 0.0);

        int[] valRows = result.validationRows();
        assertArrayEquals(valRows, FlowTrainer.validationRows(data.length, opts),
                "the rows named without a fit are the ones it validated on");
        double[][] val = new double[valRows.length][];
        for (int i = 0; i < valRows.length; i++) {
            val[i] = data[valRows[i]];
        }
        double kernelNll = meanNll(FlowBuilder.build(spec, result.best()), val, null);
        assertEquals(result.bestValNll(), kernelNll, 1e-3, "returned weights are the best epoch's");
        assertTrue(Math.abs(kernelNll - last.valNll()) > 1e-3, "and not the last epoch's");
    }

    @Test
    void absurdLearningRateEndsInTrainingDivergedException() {
        FlowSpec spec = FlowSpec.maf(2, 1, 2, 8);
        Random rng = new Random(4);
        double[][] x = correlatedGaussian(400, rng);
        double[][] c = new double[400][1];
        TrainingOptions opts = new TrainingOptions(20, 50, 1e30, 0.0, Double.POSITIVE_INFINITY, 5, 0.2, 1L, 2);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> new FlowTrainer(opts)
                .fit(spec, ParameterInitializer.initialize(spec, rng), TrainingData.of(x, c), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("2 rollback"), e.getMessage());
    }

    @Test
    void nonFiniteLossRollsBackHalvesTheLearningRateAndRecovers() {
        FlowSpec spec = FlowSpec.realNvp(2, 0, 2, 16);
        double[][] good = correlatedGaussian(600, new Random(6));
        double[][] poisoned = new double[good.length][];
        for (int i = 0; i < good.length; i++) {
            poisoned[i] = i % 7 == 0 ? new double[] {1e25, -1e25} : good[i]; // finite in float, z² overflows
        }
        AtomicInteger epoch2Calls = new AtomicInteger();
        TrainingData data = TrainingData.perEpoch(good.length, null, epoch -> {
            if (epoch == 2 && epoch2Calls.getAndIncrement() == 0) {
                return poisoned;
            }
            return good;
        });
        TrainingOptions opts = new TrainingOptions(6, 64, 2e-3, 1e-5, 5.0, 10, 0.2, 2L, 3);
        List<EpochStats> seen = new ArrayList<>();
        TrainingResult result = new FlowTrainer(opts).fit(spec, ParameterInitializer.initialize(spec, new Random(1)),
                data, seen::add);

        assertEquals(1, result.rollbacks());
        assertEquals(2, epoch2Calls.get(), "epoch 2 is repeated after the rollback");
        assertEquals(6, result.history().size());
        double lrBefore = seen.get(1).learningRate();
        double lrAfter = seen.get(2).learningRate();
        assertTrue(lrAfter < 0.6 * lrBefore, "learning rate halved: " + lrBefore + " → " + lrAfter);
        assertEquals(1, seen.get(2).rollbacks());
        result.best().checkFinite();
        assertTrue(Double.isFinite(result.bestValNll()));
    }

    @Test
    void trainsAFlowWithAPermutationInEveryBlock() {
        // one gather per block: SameDiff's Gather gradient names a variable "transposeConcat" every time, so a
        // second gather used to make building the backward graph fail
        FlowSpec spec = new FlowSpec(FlowType.MAF, 2, 0, 3, new int[] {16}, true, false, PermutationMode.REVERSE,
                Ordering.NATURAL, false, 3.0, 42L);
        Random rng = new Random(8);
        double[][] train = correlatedGaussian(1000, rng);
        double[][] test = correlatedGaussian(1000, rng);
        FlowParameters init = ParameterInitializer.initialize(spec, new Random(1));
        TrainingOptions opts = new TrainingOptions(5, 64, 5e-3, 1e-5, 5.0, 10, 0.1, 3L, 0);
        TrainingResult result = new FlowTrainer(opts).fit(spec, init, TrainingData.of(train, null),
                ProgressListener.NONE);
        assertEquals(5, result.history().size());
        double before = meanNll(FlowBuilder.build(spec, init), test, null);
        double after = meanNll(FlowBuilder.build(spec, result.best()), test, null);
        assertTrue(after < before - 0.5, "trained NLL " + after + " vs initial " + before);
    }

    @Test
    void rejectsBadOptionsAndDataNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingOptions(10, 0, 1e-3, 0, 1, 3, 0.1, 1L, 1));
        assertTrue(e.getMessage().contains("batchSize"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingOptions(10, 8, Double.NaN, 0, 1, 3, 0.1, 1L, 1));
        assertTrue(e.getMessage().contains("learningRate"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingOptions(10, 8, 1e-3, 0, 1, 3, 0.9, 1L, 1));
        assertTrue(e.getMessage().contains("validationFraction"), e.getMessage());

        FlowSpec spec = FlowSpec.maf(2, 1, 1, 4);
        FlowParameters init = ParameterInitializer.initialize(spec, new Random(1));
        FlowTrainer trainer = new FlowTrainer(TrainingOptions.defaults().withEpochs(1));
        double[][] x = {{0, 1}, {1, 2}, {2, 3}, {3, Double.NaN}};
        double[][] c = {{0}, {1}, {0}, {1}};
        e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(spec, init, TrainingData.of(x, c), ProgressListener.NONE));
        assertTrue(e.getMessage().contains("row 3 column 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> trainer.fit(spec, init, TrainingData.of(new double[][] {{0, 1}, {1, 2}}, null),
                        ProgressListener.NONE));
        assertTrue(e.getMessage().contains("contextDim"), e.getMessage());
        assertNotNull(trainer.options());
    }
}
