package io.normalcy.testkit;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs Prometheus' own checker, {@code promtool} (Debian package {@code prometheus}), on what the services export and
 * on the alert rules we ship: Prometheus is the judge of its formats, not a hand-written parser. {@code .ci/run}
 * installs the package, so in CI these checks always run; on a developer machine without it a test that needs it is
 * skipped with a message saying how to install it ({@link #assumeInstalled()}), never passed silently.
 */
public final class Promtool {
    /** Environment variable naming the promtool binary, when it is not {@code promtool} on the PATH. */
    public static final String ENV = "PROMTOOL";

    private Promtool() {
    }

    /** The promtool executable: {@value #ENV} if set, else the first {@code promtool} on the PATH, else null. */
    public static Path find() {
        String explicit = System.getenv(ENV);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "promtool");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Skips the calling test (JUnit assumption, with the reason) only when promtool is not installed here. */
    public static Path assumeInstalled() {
        Path p = find();
        Assumptions.assumeTrue(p != null, "promtool is not installed (apt-get install prometheus; .ci/run installs it"
                + " so CI always runs this check)");
        return p;
    }

    /**
     * Outcome of one promtool run: exit code and combined output.
     *
     * @param silentWhenClean true for commands that print nothing when there is nothing to complain about
     *                        ({@code check metrics}): any output is then a complaint, whatever the exit code
     */
    public record Result(int exitCode, String output, boolean silentWhenClean) {
        /** Throws with promtool's complaints unless it exited 0 (and, where it is silent when clean, printed nothing). */
        public Result assertClean(String what) {
            if (exitCode != 0 || silentWhenClean && !output.isBlank()) {
                throw new AssertionError("promtool found problems in " + what + " (exit " + exitCode + "):\n" + output);
            }
            return this;
        }

        /**
         * {@code check metrics} complaints, less the naming lints ({@link #NAMING_LINTS}) on metrics whose names we do
         * not choose (Kafka's client metrics through Micrometer's binder, Micrometer's JVM/process binders):
         * renaming them would break every dashboard and runbook written for them upstream. Missing help text is never
         * excused, and our own metrics ({@code ownPrefix}) must pass every lint.
         */
        public Result assertCleanExceptForeignNaming(String what, String ownPrefix) {
            String kept = output.lines().filter(l -> l.startsWith(ownPrefix)
                    || NAMING_LINTS.stream().noneMatch(l::endsWith)).collect(Collectors.joining("\n"));
            return new Result(exitCode == 0 || kept.isBlank() ? 0 : exitCode, kept, silentWhenClean).assertClean(what);
        }
    }

    /** promtool's lints about a metric's name (not its help text or type). */
    public static final List<String> NAMING_LINTS = List.of("metric names should not contain abbreviated units",
            "non-histogram and non-summary metrics should not have \"_count\" suffix");

    /**
     * {@code promtool check metrics} on a scrape in the text exposition format: help text on every metric, naming
     * (units, {@code _total} on counters), no duplicates. It prints nothing on a clean input, so
     * {@link Result#assertClean} fails on any output line.
     */
    public static Result checkMetrics(String exposition) {
        Path tool = assumeInstalled();
        return run(List.of(tool.toString(), "check", "metrics"), exposition, true);
    }

    /** {@code promtool <args...>} with no input, e.g. {@code check rules file.yml} or {@code test rules tests.yml}. */
    public static Result run(String... args) {
        Path tool = assumeInstalled();
        List<String> cmd = new ArrayList<>();
        cmd.add(tool.toString());
        cmd.addAll(List.of(args));
        return run(cmd, null, false);
    }

    private static Result run(List<String> cmd, String stdin, boolean silentWhenClean) {
        try {
            // output to a file, not a pipe: promtool may write while we are still feeding it a large scrape
            Path out = Files.createTempFile("promtool", ".out");
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                try (OutputStream in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!p.waitFor(2, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new AssertionError("promtool did not finish: " + cmd);
                }
                return new Result(p.exitValue(), Files.readString(out), silentWhenClean);
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + cmd, e);
        }
    }
}
