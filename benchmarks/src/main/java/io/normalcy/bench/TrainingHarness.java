package io.normalcy.bench;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.train.FlowTrainer;
import io.normalcy.flow.train.TrainingData;
import io.normalcy.flow.train.TrainingOptions;
import io.normalcy.flow.train.TrainingResult;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Training throughput on CPU (a harness, not JMH: one epoch takes seconds and its first-epoch costs — graph
 * build, ND4J start — are part of what a retrain pays). Trains a conditional MAF (K = 5, hidden = [128],
 * ActNorm, C = 8) on {@code rows} × 16 synthetic records with {@link FlowTrainer} and prints, per epoch, the
 * trainer's samples/s, then peak resident memory (VmHWM from /proc/self/status, Linux only).
 *
 * <p>Arguments (all optional): {@code rows epochs batch hidden}; defaults {@code 100000 2 512 128}.
 * Run with {@code OMP_NUM_THREADS=1}: two OpenMP threads on a 2-vCPU machine measured 2.7× slower.
 */
public final class TrainingHarness {
    private TrainingHarness() {
    }

    public static void main(String[] args) throws IOException {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int dim = 16;
        System.out.printf("OMP_NUM_THREADS=%s, %d records x %d, K=%d, hidden=[%d], C=%d, batch %d, %d epoch(s)%n",
                System.getenv("OMP_NUM_THREADS"), rows, dim, BenchModels.BLOCKS, hidden, BenchModels.CONTEXT_DIM,
                batch, epochs);
        double[][] ctx = BenchModels.contexts(rows, 3);
        double[][] u = correlated(rows, dim, ctx, 5);
        FlowSpec spec = BenchModels.spec(dim, hidden, 1);
        FlowParameters init = ParameterInitializer.initialize(spec, new Random(42));
        TrainingOptions options = new TrainingOptions(epochs, batch, 1e-3, 1e-5, 5.0, 10, 0.1, 42L, 3);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime();
        long[] mark = {t0, os.getProcessCpuTime()};
        TrainingResult result = new FlowTrainer(options).fit(spec, init, TrainingData.of(u, ctx), stats -> {
            long wall = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            // CPU-seconds the JVM got per wall second since the previous epoch (validation included), to turn the
            // trainer's wall-clock samples/s into samples per CPU-second on a shared machine
            double cores = (double) (cpu - mark[1]) / (wall - mark[0]);
            mark[0] = wall;
            mark[1] = cpu;
            System.out.printf("epoch %d: train NLL %.4f, val NLL %.4f, %.0f samples/s wall, %.2f cores granted,"
                            + " ~%.0f samples per CPU-second%n", stats.epoch(), stats.trainNll(), stats.valNll(),
                    stats.samplesPerSecond(), cores, stats.samplesPerSecond() / cores);
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("fit() wall time %.1f s (graph build, ActNorm init, validation included); best val NLL %.4f%n",
                seconds, result.bestValNll());
        System.out.println(memory());
    }

    /** A nonlinear, context-dependent 16-d target so that the loss actually moves. */
    static double[][] correlated(int rows, int dim, double[][] ctx, long seed) {
        Random rng = new Random(seed);
        double[][] u = new double[rows][dim];
        for (int r = 0; r < rows; r++) {
            int cat = 0;
            while (ctx[r][cat] == 0.0) {
                cat++;
            }
            double prev = 0;
            for (int i = 0; i < dim; i++) {
                double v = 0.5 * Math.sin(prev) + 0.3 * cat - 0.75 + 0.8 * ctx[r][BenchModels.CATEGORIES] * (i % 2)
                        + rng.nextGaussian() * (0.5 + 0.1 * (i % 3));
                u[r][i] = v;
                prev = v;
            }
        }
        return u;
    }

    static String memory() {
        try {
            StringBuilder sb = new StringBuilder();
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM") || line.startsWith("VmRSS")) {
                    sb.append(line.replaceAll("\\s+", " ")).append("; ");
                }
            }
            Runtime rt = Runtime.getRuntime();
            sb.append("heap used ").append((rt.totalMemory() - rt.freeMemory()) >> 20).append(" MB of max ")
                    .append(rt.maxMemory() >> 20).append(" MB");
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            return "memory: /proc/self/status unavailable (" + e.getMessage() + ")";
        }
    }
}
