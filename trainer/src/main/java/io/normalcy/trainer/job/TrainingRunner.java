package io.normalcy.trainer.job;

import io.normalcy.flow.fit.RawRecord;

import java.util.List;
import java.util.function.Consumer;

/** Runs one training: writes {@link JobSpec#modelOut()} and returns the result, or throws with a clear message. */
public interface TrainingRunner {
    JobResult run(JobSpec spec, List<RawRecord> rows, Consumer<JobResult.Epoch> progress) throws Exception;
}
