package io.normalcy.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/**
 * {@code trainer train|score}: the trainer's work without the service — train from a topic window or a file
 * (optionally publishing like the service does), or batch-score a file with a model. Uses the same classes as
 * the service (history sources, {@code TrainingService}, report writer) and, for scoring, flow's CLI.
 */
@Command(name = "trainer", mixinStandardHelpOptions = true, subcommands = {TrainCommand.class, ScoreCommand.class},
        description = "Normalcy trainer command line: train a model or score a file without running the service.")
public final class TrainerCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a command: train or score");
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new TrainerCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            c.getErr().println("error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        return cl.execute(args);
    }
}
