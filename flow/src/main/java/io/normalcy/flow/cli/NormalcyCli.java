package io.normalcy.flow.cli;

import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.state.InvalidModelException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code normalcy fit|score|sample}: the flow library on CSV files, for exploring a dataset before wiring
 * Kafka. User errors print one line {@code error: ...} (naming the file, line and column) and exit non-zero;
 * {@code --verbose} adds the stack trace.
 */
@Command(name = "normalcy", mixinStandardHelpOptions = true, version = "normalcy 0.1.0",
        description = "Exact conditional normalizing flows (MAF, RealNVP) on CSV files.",
        subcommands = {FitCommand.class, ScoreCommand.class, SampleCommand.class, CommandLine.HelpCommand.class})
public final class NormalcyCli implements Runnable {
    /** Exit code of user errors (bad arguments, bad input files). */
    public static final int EXIT_USAGE = 2;
    /** Exit code of failures that are not the user's fault. */
    public static final int EXIT_FAILURE = 1;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: fit, score or sample");
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "io/normalcy/flow/cli/logback-cli.xml");
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(out, err, args));
    }

    /** Runs the CLI in-process (tests) and returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new NormalcyCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + ex.getMessage());
            err.println("(run 'normalcy " + commandPath(ex.getCommandLine()) + " --help' for usage)");
            if (hasVerbose(a)) {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, line, parseResult) -> {
            boolean verbose = verbose(parseResult);
            int code = EXIT_USAGE;
            String message;
            if (ex instanceof CliException || ex instanceof InvalidModelException
                    || ex instanceof InvalidInputException || ex instanceof IllegalArgumentException) {
                message = ex.getMessage();
            } else if (ex instanceof IOException || ex instanceof UncheckedIOException) {
                message = "I/O error: " + ex.getMessage();
                code = EXIT_FAILURE;
            } else {
                message = ex.getClass().getSimpleName() + ": " + ex.getMessage();
                code = EXIT_FAILURE;
            }
            err.println("error: " + oneLine(message));
            if (verbose) {
                ex.printStackTrace(err);
            }
            err.flush();
            return code;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    private static String commandPath(CommandLine cl) {
        StringBuilder sb = new StringBuilder();
        for (CommandLine c = cl; c != null && c.getParent() != null; c = c.getParent()) {
            sb.insert(0, c.getCommandName() + (sb.length() == 0 ? "" : " "));
        }
        return sb.toString();
    }

    private static boolean hasVerbose(String[] args) {
        for (String a : args) {
            if ("--verbose".equals(a)) {
                return true;
            }
        }
        return false;
    }

    private static boolean verbose(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        return s.replace('\n', ' ').replace('\r', ' ');
    }
}
