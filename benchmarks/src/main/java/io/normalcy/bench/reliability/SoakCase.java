package io.normalcy.bench.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * (9) Soak: steady traffic for the soak time while the detector's heap after a full GC is sampled (a
 * {@code jcmd <pid> GC.run}, then {@code jvm_memory_used_bytes{area="heap"}} from its {@code /prometheus}), and the
 * least-squares slope of those samples after a warm-up (the first fifth: JIT, caches, Kafka buffers) in MB/min.
 * A leak shows as a steady positive slope; heap-after-GC rather than heap-in-use, because the latter saw-tooths
 * with every young collection.
 */
final class SoakCase {
    private static final double WARM_UP_SHARE = 0.2;
    /** Shorter soaks (--quick: 1 min) report the slope without judging it. */
    static final Duration JUDGED_FROM = Duration.ofMinutes(5);

    private SoakCase() {
    }

    /** One heap sample: minutes since the traffic started, heap after GC (MB), RSS (MB), whether a GC ran. */
    record Sample(double minutes, double heapMb, double rssMb, boolean afterGc) {
    }

    static CaseResult run(CaseContext ctx) throws Exception {
        ctx.publishModel(ctx.cluster.models.signed(CaseContext.MODEL, 1));
        ctx.startDetector("a", Map.of());
        List<Sample> samples = new ArrayList<>();
        Duration soak = ctx.options.soakTime;
        long t0;
        try (Traffic.Run run = ctx.traffic.new Run(ctx.sender, ctx.options.rate, soak, 0, ctx.options.seed).start()) {
            t0 = System.nanoTime();
            long every = ctx.options.sampleEvery.toNanos();
            for (long due = t0 + every; due <= t0 + soak.toNanos(); due += every) {
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                ctx.supervise();
                DetectorProcess cur = ctx.detector("a");
                boolean gc = cur.jvm().fullGc();
                double heap = cur.heapUsedMb();
                if (heap >= 0) {
                    samples.add(new Sample((System.nanoTime() - t0) / 6e10, heap, cur.jvm().rssMb(), gc));
                }
            }
            run.await();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Tally t = ctx.drain();
        Ledger.Latencies lat = ctx.ledger.latencies(in -> true);
        ctx.notes.add(String.format(Locale.ROOT, "%d records in %.0f s (%.0f/s offered); %s", t.in(), seconds,
                t.in() / seconds, lat.summary()));
        if (lat.quantile(0.5) > 5_000) {
            ctx.notes.add("the detector did not keep up with the offered rate (median latency > 5 s; machine load "
                    + "or too high --rate): the heap then also holds the backlog in its Kafka buffers");
        }
        return ctx.result(t, "-", memory(ctx, samples, soak));
    }

    /** The table's memory figure; books a failure when the slope exceeds the limit. */
    private static String memory(CaseContext ctx, List<Sample> all, Duration soak) {
        double warmUp = WARM_UP_SHARE * soak.toSeconds() / 60.0;
        List<Sample> s = all.stream().filter(x -> x.minutes() >= warmUp).toList();
        if (s.size() < 3) {
            ctx.failures.add("only " + s.size() + " heap sample(s) after the warm-up: no slope (is /prometheus "
                    + "reachable? lengthen --soak-minutes or shorten --sample-seconds)");
            return "n/a";
        }
        double slope = slope(s);
        boolean gc = s.stream().allMatch(Sample::afterGc);
        double rss = all.stream().mapToDouble(Sample::rssMb).max().orElse(-1);
        ctx.notes.add(String.format(Locale.ROOT, "heap%s samples (min, MB): %s", gc ? " after full GC" : " in use",
                samplesText(all)));
        if (!gc) {
            ctx.notes.add("jcmd GC.run was not available for every sample: the slope is of heap in use (noisy)");
        }
        if (soak.compareTo(JUDGED_FROM) < 0) {
            ctx.notes.add("slope reported, not judged: a soak under " + JUDGED_FROM.toMinutes() + " min cannot tell a "
                    + "leak from the heap settling (full run: 10 min)");
        } else if (slope > ctx.options.maxSlopeMbPerMin) {
            ctx.failures.add(String.format(Locale.ROOT, "heap-after-GC slope %+.2f MB/min > %.2f MB/min", slope,
                    ctx.options.maxSlopeMbPerMin));
        }
        return String.format(Locale.ROOT, "%+.2f MB/min (heap after GC %.1f → %.1f MB, %d samples; RSS max %.0f MB)",
                slope, s.get(0).heapMb(), s.get(s.size() - 1).heapMb(), s.size(), rss);
    }

    /** Least-squares slope of heap (MB) over time (min). */
    static double slope(List<Sample> s) {
        double n = s.size();
        double mx = s.stream().mapToDouble(Sample::minutes).sum() / n;
        double my = s.stream().mapToDouble(Sample::heapMb).sum() / n;
        double sxy = 0;
        double sxx = 0;
        for (Sample x : s) {
            sxy += (x.minutes() - mx) * (x.heapMb() - my);
            sxx += (x.minutes() - mx) * (x.minutes() - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    private static String samplesText(List<Sample> s) {
        List<String> parts = new ArrayList<>();
        s.forEach(x -> parts.add(String.format(Locale.ROOT, "%.1f:%.1f", x.minutes(), x.heapMb())));
        return String.join(" ", parts);
    }
}
