package io.normalcy.detector.cli;

import io.normalcy.detector.batch.ReplayParked;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code detector backfill|replay-parked}: the detector's batch operations, with the service's configuration and
 * scoring code but without running the service (the live detector's consumer group and state are not touched).
 * Exit codes: 0 done, 1 failed, 2 bad arguments or configuration, 3 the model has no accepted version.
 */
@Command(name = "detector", mixinStandardHelpOptions = true,
        subcommands = {BackfillCommand.class, ReplayParkedCommand.class},
        description = "Normalcy detector command line: re-score a topic range or a file, replay parked records.")
public final class DetectorCli implements Runnable {
    /** Exit code when the model has no accepted version. */
    public static final int NO_MODEL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: backfill or replay-parked");
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new DetectorCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (e instanceof ReplayParked.NoModelException) {
                return NO_MODEL;
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cl.execute(args);
    }
}
