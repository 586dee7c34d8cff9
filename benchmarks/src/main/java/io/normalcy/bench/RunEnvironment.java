package io.normalcy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Where and when a harness ran, as every report prints it beside its numbers (docs/benchmarks.md asks for machine,
 * load and command with every result): one place, so the reports describe machines the same way.
 *
 * @param options    the harness's parsed options
 * @param argLine    its command line as given
 * @param date       start, UTC to the minute
 * @param machine    {@link #describeMachine()} at the start
 * @param loadBefore load averages at the start
 * @param loadAfter  load averages at the end (null until {@link #finish})
 * @param minutes    wall time (0 until {@link #finish})
 * @param <O>        the harness's options type
 */
public record RunEnvironment<O>(O options, String argLine, String date, String machine, String loadBefore,
                                String loadAfter, double minutes) {

    /** The start of a run: date, machine and load now. */
    public static <O> RunEnvironment<O> capture(O options, String argLine) {
        return new RunEnvironment<>(options, argLine, utcMinute(), describeMachine(), loadAverages(), null, 0);
    }

    /** The same run with its end: load now and the wall time. */
    public RunEnvironment<O> finish(double wallMinutes) {
        return new RunEnvironment<>(options, argLine, date, machine, loadBefore, loadAverages(), wallMinutes);
    }

    /** Now in UTC, to the minute (e.g. 2026-12-06T15:16Z). */
    public static String utcMinute() {
        return ZonedDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MINUTES).toString();
    }

    /** CPU model, CPUs visible to the JVM, RAM, OS, Java and OMP_NUM_THREADS (Linux /proc where available). */
    public static String describeMachine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: the JVM's view below still says something
        }
        String memory = "";
        try {
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.format(Locale.ROOT, ", %.1f GiB RAM",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1048576.0)).findFirst().orElse("");
        } catch (IOException | RuntimeException ignored) {
            // optional
        }
        return String.format(Locale.ROOT, "%s, %d CPUs visible to the JVM%s, %s %s, Java %s (%s),"
                        + " OMP_NUM_THREADS=%s", cpu, Runtime.getRuntime().availableProcessors(), memory,
                System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                System.getenv("OMP_NUM_THREADS"));
    }

    /** 1/5/15-minute load averages (what {@code uptime} prints), or "unknown". */
    public static String loadAverages() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
