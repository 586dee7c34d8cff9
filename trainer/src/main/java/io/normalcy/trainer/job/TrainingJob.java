package io.normalcy.trainer.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.normalcy.flow.fit.RawRecord;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Main class of a child training JVM: {@code TrainingJob <spec.json>}. Reads the spec and the rows file, fits,
 * writes the model and result files, prints one {@value #EPOCH_PREFIX} line per epoch and, on failure, one
 * {@value #ERROR_PREFIX} line with the message before exiting with status 2. Also the in-process entry point
 * ({@link #train}), so both isolation modes run the same code.
 */
public final class TrainingJob {
    public static final String EPOCH_PREFIX = "@@normalcy-epoch ";
    public static final String ERROR_PREFIX = "@@normalcy-error ";

    private TrainingJob() {
    }

    public static void main(String[] args) {
        // SameDiff prints to System.out; keep our protocol lines on the real stdout and everything else apart.
        PrintStream protocol = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8));
        ObjectMapper json = JobJson.MAPPER;
        try {
            if (args.length != 1) {
                throw new IllegalArgumentException("usage: TrainingJob <spec.json>");
            }
            JobSpec spec = json.readValue(Path.of(args[0]).toFile(), JobSpec.class);
            List<RawRecord> rows = RowsFile.read(Path.of(spec.rowsFile()));
            JobResult result = train(spec, rows, e -> {
                try {
                    protocol.println(EPOCH_PREFIX + json.writeValueAsString(e));
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            json.writeValue(Path.of(spec.resultOut()).toFile(), result);
            protocol.flush();
            System.exit(0);
        } catch (Exception t) {
            // an Error (OutOfMemoryError, a native crash surfacing as one) is left to the JVM: it exits non-zero
            // with the stack trace on stderr, and the parent reports the exit code with that output
            String msg = t.getMessage() == null ? t.toString() : t.getMessage();
            protocol.println(ERROR_PREFIX + msg.replace('\n', ' '));
            t.printStackTrace();
            protocol.flush();
            System.exit(2);
        }
    }

    /** Fits, writes {@link JobSpec#modelOut()} and returns the result (does not write the result file). */
    public static JobResult train(JobSpec spec, List<RawRecord> rows, Consumer<JobResult.Epoch> progress) throws Exception {
        return Fitting.fit(spec, rows, progress);
    }
}
