package io.normalcy.bench.e2e;

import io.normalcy.flow.kernel.KernelSelector;
import io.normalcy.flow.kernel.ScoringKernel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command-line options of {@link EndToEndBenchmark} (see its class comment for what each one means), shared with
 * {@link ScaleOutOptions}, which adjusts {@link #partitions}, {@link #reps} and {@link #dims} after parsing — hence
 * plain mutable fields. {@code --quick} changes the defaults; explicit options still win.
 */
final class EndToEndOptions {
    long records = 2_500_000;
    List<Integer> dims = List.of(8, 16, 32);
    int reps = 2;
    long warmup = 200_000;
    int latencyRate = 1000;
    int latencySeconds = 10;
    int partitions = 3;
    int trainRows = 30_000;
    int epochs = 3;
    int blocks = 5;
    int hidden = 128;
    long timeout = 600;
    Path out = Path.of("benchmarks", "results");
    Path jfrDir;
    /** Experiments only: extra Streams settings for both topologies (not the detector's configuration). */
    Map<String, String> streamsOverrides = new LinkedHashMap<>();
    /** The detector's scoring kernel: scalar (the default here, as before), simd or auto. */
    String kernel = "scalar";

    /**
     * Parses with picocli: unknown options, missing and malformed values are picocli's errors, which name the
     * option. A repeated option takes its last value ({@code --streams-prop} accumulates), as before.
     */
    static EndToEndOptions parse(String[] args) {
        Args a = new Args();
        try {
            new CommandLine(a).setOverwrittenOptionsAllowed(true).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        EndToEndOptions o = new EndToEndOptions();
        if (a.quick) {
            o.records = 20_000;
            o.dims = List.of(16);
            o.reps = 1;
            o.warmup = 10_000;
            o.latencyRate = 500;
            o.latencySeconds = 3;
            o.trainRows = 10_000;
            o.epochs = 1;
        }
        o.records = or(a.records, o.records);
        o.dims = a.dims != null ? List.copyOf(a.dims) : o.dims;
        o.reps = or(a.reps, o.reps);
        o.warmup = or(a.warmup, o.warmup);
        o.latencyRate = or(a.latencyRate, o.latencyRate);
        o.latencySeconds = or(a.latencySeconds, o.latencySeconds);
        o.trainRows = or(a.trainRows, o.trainRows);
        o.epochs = or(a.epochs, o.epochs);
        o.partitions = or(a.partitions, o.partitions);
        o.blocks = or(a.blocks, o.blocks);
        o.hidden = or(a.hidden, o.hidden);
        o.timeout = or(a.timeout, o.timeout);
        o.out = a.out != null ? a.out : o.out;
        o.jfrDir = a.jfrDir;
        o.kernel = a.kernel != null ? a.kernel : o.kernel;
        a.streamsProps.forEach((k, v) -> {
            if (k.isEmpty()) {
                throw new IllegalArgumentException("--streams-prop wants key=value, got =" + v);
            }
            o.streamsOverrides.put("streams.detector." + k, v);
        });
        if (o.records < 1 || o.reps < 1 || o.partitions < 1 || o.dims.isEmpty()) {
            throw new IllegalArgumentException("--records, --reps, --partitions must be >= 1 and --dims non-empty");
        }
        o.kernel(); // an unknown kernel, or simd without the Vector API module, stops here
        return o;
    }

    private static int or(Integer given, int otherwise) {
        return given != null ? given : otherwise;
    }

    private static long or(Long given, long otherwise) {
        return given != null ? given : otherwise;
    }

    /** The kernel {@code --kernel} names, resolved in this JVM (simd needs --add-modules jdk.incubator.vector). */
    ScoringKernel kernel() {
        return KernelSelector.select(kernel, "--kernel");
    }

    String describe() {
        return String.format("%d records per run, %d rep(s) per topology (alternating), %d partitions, "
                        + "latency phase %d records/s for %d s, model %d blocks x [%d] trained on %d rows x %d epochs, "
                        + "%s kernel%s",
                records, reps, partitions, latencyRate, latencySeconds, blocks, hidden, trainRows, epochs, kernel(),
                jfrDir == null ? "" : ", JFR on")
                + (streamsOverrides.isEmpty() ? "" : ", Streams overrides " + streamsOverrides);
    }

    /** The command line as picocli binds it; null where no option was given, so --quick's defaults can apply. */
    @Command(name = "EndToEndBenchmark")
    private static final class Args {
        @Option(names = "--records")
        Long records;
        @Option(names = "--dims", split = "\\s*,\\s*", paramLabel = "D,...")
        List<Integer> dims;
        @Option(names = "--reps")
        Integer reps;
        @Option(names = "--warmup")
        Long warmup;
        @Option(names = "--latency-rate")
        Integer latencyRate;
        @Option(names = "--latency-seconds")
        Integer latencySeconds;
        @Option(names = "--partitions")
        Integer partitions;
        @Option(names = "--train-rows")
        Integer trainRows;
        @Option(names = "--epochs")
        Integer epochs;
        @Option(names = "--blocks")
        Integer blocks;
        @Option(names = "--hidden")
        Integer hidden;
        @Option(names = "--timeout")
        Long timeout;
        @Option(names = "--out", paramLabel = "DIR")
        Path out;
        @Option(names = "--jfr", paramLabel = "DIR")
        Path jfrDir;
        @Option(names = "--kernel", paramLabel = "scalar|simd|auto")
        String kernel;
        @Option(names = "--streams-prop", paramLabel = "KEY=VALUE")
        Map<String, String> streamsProps = new LinkedHashMap<>();
        @Option(names = "--quick")
        boolean quick;
    }
}
