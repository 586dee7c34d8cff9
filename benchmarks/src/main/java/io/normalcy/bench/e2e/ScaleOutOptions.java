package io.normalcy.bench.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * Options of {@link ScaleOutBenchmark}: its own ({@code --configs}, {@code --dim}) and everything else handed to
 * {@link EndToEndOptions} (records, reps, warm-up, latency phase, training, timeout, out, kernel,
 * streams-prop, quick), so both harnesses mean the same by the same flag. Defaults differ where the scale-out
 * question needs it: 6 partitions (1 × 2 and 2 × 1 both give each stream thread 3 of the 6 input partitions, and
 * configurations up to 6 threads in all fit), one dimension (16), one rep unless {@code --reps} says otherwise.
 *
 * @param configs the configurations in run order (the harness alternates the order per rep)
 * @param e2e     the shared options; {@code dims} holds the one dimension
 */
record ScaleOutOptions(List<Shape> configs, EndToEndOptions e2e) {
    static final int DEFAULT_PARTITIONS = 6;
    static final int DEFAULT_DIM = 16;

    /**
     * One configuration: KafkaStreams instances of the same application.id × stream threads per instance.
     *
     * @param instances {@code >= 1}
     * @param threads   {@code num.stream.threads} of each instance, {@code >= 1}
     */
    record Shape(int instances, int threads) {
        Shape {
            if (instances < 1 || threads < 1) {
                throw new IllegalArgumentException("instances and threads must be >= 1, got " + instances + "x"
                        + threads);
            }
        }

        /** "2x1" = 2 instances × 1 thread. */
        static Shape parse(String s) {
            String[] f = s.trim().toLowerCase(java.util.Locale.ROOT).split("x");
            if (f.length != 2) {
                throw new IllegalArgumentException("a configuration is INSTANCESxTHREADS (e.g. 2x1), got '" + s + "'");
            }
            try {
                return new Shape(Integer.parseInt(f[0].trim()), Integer.parseInt(f[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("a configuration is INSTANCESxTHREADS (e.g. 2x1), got '" + s
                        + "'", e);
            }
        }

        int totalThreads() {
            return instances * threads;
        }

        @Override
        public String toString() {
            return instances + "x" + threads;
        }
    }

    /**
     * Parses the own options with picocli (a missing or malformed value is picocli's error, which names the option)
     * and hands everything else, in order, to {@link EndToEndOptions#parse}.
     */
    static ScaleOutOptions parse(String[] args) throws IOException {
        Args a = new Args();
        try {
            new CommandLine(a).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        if (a.dims != null) {
            throw new IllegalArgumentException("scale-out runs one dimension: use --dim");
        }
        List<Shape> configs = a.configs == null ? List.of(new Shape(1, 1), new Shape(1, 2), new Shape(2, 1))
                : Arrays.stream(a.configs.split(",")).map(Shape::parse).toList();
        int dim = a.dim;
        List<String> rest = a.rest;
        boolean partitionsGiven = rest.contains("--partitions");
        boolean repsGiven = rest.contains("--reps");
        EndToEndOptions o = EndToEndOptions.parse(rest.toArray(String[]::new));
        if (!partitionsGiven) {
            o.partitions = DEFAULT_PARTITIONS;
        }
        if (!repsGiven) {
            o.reps = 1;
        }
        if (dim < 1) {
            throw new IllegalArgumentException("--dim must be >= 1, got " + dim);
        }
        o.dims = List.of(dim);
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("--configs is empty");
        }
        for (Shape c : configs) {
            if (c.totalThreads() > o.partitions) {
                // Streams leaves a thread without a task idle; the harness also waits for every thread to have one
                throw new IllegalArgumentException("configuration " + c + " has " + c.totalThreads()
                        + " stream threads but the input topic has only " + o.partitions + " partitions");
            }
        }
        return new ScaleOutOptions(configs, o);
    }

    /** The own options as picocli binds them; the shared ones stay unmatched and go on to the end-to-end parser. */
    @Command(name = "ScaleOutBenchmark")
    private static final class Args {
        /** Null unless given: the default is three configurations. */
        @Option(names = "--configs", paramLabel = "IxT,...")
        String configs;
        @Option(names = "--dim")
        int dim = DEFAULT_DIM;
        /** Only to refuse it with a hint: the end-to-end harness's --dims has no place here. */
        @Option(names = "--dims", hidden = true)
        String dims;
        @Unmatched
        List<String> rest = new ArrayList<>();
    }

    String describe() {
        return "configurations " + configs + " (instances x threads), D = " + e2e.dims.get(0) + ", " + e2e.describe();
    }
}
