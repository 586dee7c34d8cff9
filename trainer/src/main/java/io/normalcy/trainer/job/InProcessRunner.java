package io.normalcy.trainer.job;

import io.normalcy.flow.fit.RawRecord;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.Consumer;

/**
 * Trains in the calling JVM. For the CLI (one training, then exit) and tests; a long-running service should use
 * {@link ProcessRunner}, because ND4J does not return native memory after training. Like a child JVM, an
 * interrupted training stops at its next epoch (ND4J itself does not look at the interrupt flag), so a service
 * shutting down does not leave a fit running on.
 */
public final class InProcessRunner implements TrainingRunner {
    @Override
    public JobResult run(JobSpec spec, List<RawRecord> rows, Consumer<JobResult.Epoch> progress) throws Exception {
        return TrainingJob.train(spec, rows, e -> {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("training interrupted after epoch " + e.epoch());
            }
            progress.accept(e);
        });
    }
}
