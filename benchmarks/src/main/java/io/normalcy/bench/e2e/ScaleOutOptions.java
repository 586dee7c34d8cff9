package io.normalcy.bench.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Options of {@link ScaleOutBenchmark}: its own ({@code --configs}, {@code --dim}) and everything else handed to
 * {@link EndToEndBenchmark.Options} (records, reps, warm-up, latency phase, training, timeout, out, kernel,
 * streams-prop, quick), so both harnesses mean the same by the same flag. Defaults differ where the scale-out
 * question needs it: 6 partitions (1 × 2 and 2 × 1 both give each stream thread 3 of the 6 input partitions, and
 * configurations up to 6 threads in all fit), one dimension (16), one rep unless {@code --reps} says otherwise.
 *
 * @param configs the configurations in run order (the harness alternates the order per rep)
 * @param e2e     the shared options; {@code dims} holds the one dimension
 */
record ScaleOutOptions(List<Shape> configs, EndToEndBenchmark.Options e2e) {
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

    static ScaleOutOptions parse(String[] args) throws IOException {
        List<Shape> configs = List.of(new Shape(1, 1), new Shape(1, 2), new Shape(2, 1));
        int dim = DEFAULT_DIM;
        boolean partitionsGiven = false;
        boolean repsGiven = false;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            boolean ownValued = a.equals("--configs") || a.equals("--dim");
            if (ownValued && i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            switch (a) {
                case "--configs" -> configs = Arrays.stream(args[++i].split(",")).map(Shape::parse).toList();
                case "--dim" -> dim = Integer.parseInt(args[++i]);
                case "--dims" -> throw new IllegalArgumentException("scale-out runs one dimension: use --dim");
                default -> {
                    partitionsGiven |= a.equals("--partitions");
                    repsGiven |= a.equals("--reps");
                    rest.add(a);
                }
            }
        }
        EndToEndBenchmark.Options o = EndToEndBenchmark.Options.parse(rest.toArray(String[]::new));
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

    String describe() {
        return "configurations " + configs + " (instances x threads), D = " + e2e.dims.get(0) + ", " + e2e.describe();
    }
}
