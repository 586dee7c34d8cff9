package io.normalcy.bench.reliability;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 10, "Reliability suite": the real broker and real detector processes, killed for real, with every input
 * accounted for. Runs the cases of {@link ChaosOptions#ALL_CASES} (or {@code --cases}), each on its own topics and
 * detector processes against one broker process, prints one table (records in, scored once, dead-lettered by
 * reason, parked, lost, duplicated, recovery / hand-over time, memory slope, PASS/FAIL per case) and writes it
 * with every case's details to {@code <out>/reliability.md}; process logs go to {@code <out>/logs/}.
 *
 * <p>A failing case does not stop the suite: every case runs and reports its numbers. Exit code: 0 all PASS;
 * 1 some case lost or duplicated a record or an alert; 3 no loss or duplicate but some case FAILED otherwise
 * (stall, misrouted input, bad model served, slow recovery...); 2 bad options; 4 the suite could not run (the
 * broker did not start). See docs/reliability.md.
 */
public final class ChaosMain {
    private ChaosMain() {
    }

    public static void main(String[] args) {
        ChaosOptions o;
        try {
            o = ChaosOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        int code;
        try {
            code = run(o);
        } catch (Throwable e) {
            System.err.println("chaos: the suite could not run: " + e);
            e.printStackTrace();
            code = 4;
        }
        System.exit(code);
    }

    static int run(ChaosOptions o) throws Exception {
        Files.createDirectories(o.out);
        Path out = o.out.toAbsolutePath();
        String started = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        System.out.println("chaos: " + o.describe());
        System.out.println("chaos: " + machine());
        List<CaseResult> results = new ArrayList<>();
        try (Cluster cluster = Cluster.start(o)) {
            System.out.printf(Locale.ROOT, "chaos: broker process at %s (started in %.1f s); logs in %s%n",
                    cluster.bootstrap(), cluster.brokerStartMs / 1000.0, shown(cluster.logs));
            for (String name : o.cases) {
                if (!cluster.broker.alive()) {
                    System.out.println("chaos: the broker is down after the previous case; restarting it");
                    cluster.broker.start();
                }
                CaseResult r = runCase(cluster, name);
                results.add(r);
                System.out.println(ChaosReport.progress(r));
            }
        }
        String text = ChaosReport.text(results);
        System.out.println();
        System.out.print(text);
        System.out.println(ChaosReport.totals(results));
        String header = "## Reliability run " + started + "\n\n"
                + "- commit: " + System.getenv().getOrDefault("NORMALCY_COMMIT", "unknown") + "\n"
                + "- machine: " + machine() + "\n"
                + "- options: " + o.describe() + "\n"
                + "- result: " + ChaosReport.totals(results);
        Path md = out.resolve("reliability.md");
        Files.writeString(md, ChaosReport.markdown(results, header));
        System.out.println("chaos: wrote " + shown(md));
        boolean lossOrDup = results.stream().anyMatch(CaseResult::lostOrDuplicated);
        boolean failed = results.stream().anyMatch(r -> !r.pass());
        return lossOrDup ? 1 : failed ? 3 : 0;
    }

    /** One case on its own topics and processes; an exception becomes a FAIL row with what was accounted so far. */
    static CaseResult runCase(Cluster cluster, String name) throws Exception {
        ChaosOptions o = cluster.options;
        String deliveryTopic = "chaos." + name + ".sub-alerts";
        List<String> countOnly = name.startsWith("redos") ? List.of(deliveryTopic) : List.of();
        CaseContext ctx = new CaseContext(cluster, name, title(name, o), countOnly);
        System.out.println("chaos: " + name + " — " + ctx.title);
        try (ctx) {
            return switch (name) {
                case "kill" -> CrashCases.kill(ctx);
                case "kill-derived" -> CrashCases.killDerived(ctx);
                case "cooldown" -> CrashCases.coolDown(ctx);
                case "sigterm" -> CrashCases.sigterm(ctx);
                case "failover" -> CrashCases.failover(ctx);
                case "broker" -> CrashCases.broker(ctx);
                case "fuzz" -> InputCases.fuzz(ctx);
                case "models" -> ModelCase.run(ctx);
                case "redos-api" -> InputCases.redos(ctx, true, deliveryTopic);
                case "redos-topic" -> InputCases.redos(ctx, false, deliveryTopic);
                case "soak" -> SoakCase.run(ctx);
                default -> throw new IllegalArgumentException("unknown case " + name);
            };
        } catch (Exception e) {
            return ctx.failed(e);
        }
    }

    /** {@code p} relative to the working directory when it lies below it (no machine paths in recorded output). */
    static Path shown(Path p) {
        Path cwd = Path.of("").toAbsolutePath();
        Path abs = p.toAbsolutePath();
        return abs.startsWith(cwd) ? cwd.relativize(abs) : abs;
    }

    static String title(String name, ChaosOptions o) {
        return switch (name) {
            case "kill" -> "detector SIGKILLed twice mid-stream, restarted at once on the same state directory";
            case "kill-derived" -> "detector with a derived-feature model SIGKILLed twice mid-stream, restarted; "
                    + "derived features compared with an uninterrupted run";
            case "cooldown" -> "detector SIGKILLed with a 5 s alert cool-down on (50 entities, 20 % anomalies)";
            case "sigterm" -> "detector stopped with SIGTERM (its own shutdown) mid-stream, then restarted";
            case "failover" -> "two detector instances; one SIGKILLed and not restarted";
            case "broker" -> "broker SIGKILLed mid-stream, down 5 s, restarted on the same log directory and ports";
            case "fuzz" -> "malformed input of every fuzz kind (" + o.fuzzCopies + " of each), between good records";
            case "models" -> "every bad-model kind over a signed v2, then compaction and a detector restart";
            case "redos-api" -> "catastrophic-backtracking entity pattern via POST /subscriptions, then an alert";
            case "redos-topic" -> "catastrophic-backtracking entity pattern written to the subscriptions topic, "
                    + "then an alert";
            case "soak" -> "steady traffic for " + o.soakTime.toSeconds() + " s, heap after GC sampled every "
                    + o.sampleEvery.toSeconds() + " s";
            default -> name;
        };
    }

    static String machine() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memGb = -1;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            memGb = Math.round(sun.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return String.format(Locale.ROOT, "%d CPUs, %d GB RAM, load %.2f, %s %s, Java %s", os.getAvailableProcessors(),
                memGb, os.getSystemLoadAverage(), os.getName(), os.getArch(), System.getProperty("java.version"));
    }
}
