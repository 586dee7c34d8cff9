package io.normalcy.flow.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A paused and resumed training session (flow auto's rungs) follows exactly the trajectory of one uninterrupted
 * fit: weights, Adam state, schedule and early-stopping state all carry over. Real ND4J, manual engine.
 */
class TrainingSessionTest {

    private static TrainingOptions options(int epochs, int patience) {
        return new TrainingOptions(epochs, 32, 5e-3, 1e-4, 5.0, patience, 0.2, 7L, 2)
                .withEngine(TrainingEngine.MANUAL);
    }

    private static List<Double> valNlls(TrainingResult r) {
        return r.history().stream().map(EpochStats::valNll).toList();
    }

    @Test
    void pausingBetweenEpochsChangesNothing() {
        for (FlowSpec spec : List.of(FlowSpec.maf(2, 0, 2, 8, 8), FlowSpec.mafMog(2, 0, 2, 8, 8))) {
            double[][] data = FlowTrainerTest.correlatedGaussian(400, new Random(3));
            FlowParameters init = ParameterInitializer.initialize(spec, new Random(4));
            TrainingResult whole = new FlowTrainer(options(9, 50)).fit(spec, init, TrainingData.of(data, null),
                    ProgressListener.NONE);

            TrainingResult resumed;
            try (TrainingSession s = new FlowTrainer(options(9, 50)).start(spec, init, TrainingData.of(data, null),
                    ProgressListener.NONE, true)) {
                s.advance(2, null);
                assertEquals(2, s.epochs());
                assertFalse(s.finished());
                double atTwo = s.bestValNll();
                s.advance(2, null);
                assertEquals(2, s.epochs(), "advancing to the epochs already run trains nothing");
                assertEquals(atTwo, s.bestValNll());
                s.advance(5, null);
                s.advance(100, null);
                assertEquals(9, s.epochs(), "never past the planned epochs");
                assertTrue(s.finished());
                resumed = s.finish();
            }
            assertEquals(valNlls(whole), valNlls(resumed), spec.type() + ": the same trajectory");
            assertEquals(whole.bestValNll(), resumed.bestValNll());
            assertEquals(whole.bestEpoch(), resumed.bestEpoch());
            assertEquals(whole.best(), resumed.best(), spec.type() + ": the same weights");
            assertFalse(resumed.stoppedEarly());
        }
    }

    @Test
    void earlyStoppingEndsTheSessionAndAFinishedSessionRefusesMore() {
        FlowSpec spec = FlowSpec.maf(2, 0, 3, 64, 64);
        double[][] data = FlowTrainerTest.correlatedGaussian(120, new Random(8));
        TrainingOptions opts = new TrainingOptions(200, 16, 1e-2, 0.0, 100.0, 4, 0.5, 3L, 2)
                .withEngine(TrainingEngine.MANUAL);
        TrainingSession s = new FlowTrainer(opts).start(spec, ParameterInitializer.initialize(spec, new Random(2)),
                TrainingData.of(data, null), ProgressListener.NONE, true);
        s.advance(200, null);
        assertTrue(s.finished());
        assertTrue(s.epochs() < 200, "patience ended it after " + s.epochs());
        int epochs = s.epochs();
        s.advance(300, null);
        assertEquals(epochs, s.epochs(), "an early-stopped session trains no further");
        TrainingResult r = s.finish();
        assertTrue(r.stoppedEarly());
        assertEquals(epochs, r.history().size());
        assertThrows(IllegalStateException.class, () -> s.advance(1, null));
        s.close();
    }

    @Test
    void aTimeLimitPausesAfterTheEpochThatPassesIt() {
        FlowSpec spec = FlowSpec.maf(2, 0, 2, 8, 8);
        double[][] data = FlowTrainerTest.correlatedGaussian(200, new Random(5));
        try (TrainingSession s = new FlowTrainer(options(20, 50)).start(spec,
                ParameterInitializer.initialize(spec, new Random(1)), TrainingData.of(data, null),
                ProgressListener.NONE, true)) {
            s.advance(20, java.time.Duration.ZERO);
            assertEquals(1, s.epochs(), "at least one epoch, then the limit stops it");
            assertFalse(s.finished(), "paused, not finished");
            s.advance(20, null);
            assertEquals(20, s.epochs());
        }
    }
}
