package io.normalcy.bench;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.train.FlowTrainer;
import io.normalcy.flow.train.TrainingData;
import io.normalcy.flow.train.TrainingEngine;
import io.normalcy.flow.train.TrainingOptions;
import io.normalcy.flow.train.TrainingResult;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Training throughput on CPU (a harness, not JMH: one epoch takes seconds and its first-epoch costs — graph
 * build, ND4J start — are part of what a retrain pays). Trains a conditional MAF (K = 5, hidden = [128],
 * ActNorm, C = 8) on {@code rows} × 16 synthetic records with {@link FlowTrainer} and prints, per epoch, the
 * trainer's samples/s, then peak resident memory (VmHWM from /proc/self/status, Linux only).
 *
 * <p>Arguments (all optional): {@code rows epochs batch hidden [--type MAF|REALNVP|MAF_MOG] [--lr PEAK]
 * [--engine SAMEDIFF|MANUAL|AUTO] [--export FILE]}; defaults {@code 100000 2 512 128 --type MAF --lr 1e-3
 * --engine AUTO} (AUTO: the manual step where the flow has one, see {@link TrainingEngine}). {@code --export}
 * also writes the records
 * (float32 little-endian after the header {@code "NRMLFLOW" rows dim cdim}) for the PyTorch reference
 * {@code benchmarks/pytorch/flow_reference.py}, so both train on the same data. The last line is machine-readable:
 * {@code RESULT engine=samediff|manual ...} (the engine that actually ran).
 * Run with {@code OMP_NUM_THREADS=1}: two OpenMP threads on a 2-vCPU machine measured 2.7× slower.
 */
public final class TrainingHarness {
    private TrainingHarness() {
    }

    public static void main(String[] argv) throws IOException {
        List<String> positional = new ArrayList<>();
        String type = "MAF";
        Path export = null;
        double lr = 1e-3;
        TrainingEngine engine = TrainingEngine.AUTO;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--type" -> type = argv[++i];
                case "--export" -> export = Path.of(argv[++i]);
                case "--lr" -> lr = Double.parseDouble(argv[++i]);
                case "--engine" -> engine = TrainingEngine.valueOf(argv[++i].toUpperCase(java.util.Locale.ROOT));
                default -> positional.add(argv[i]);
            }
        }
        String[] args = positional.toArray(new String[0]);
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 512;
        int hidden = args.length > 3 ? Integer.parseInt(args[3]) : 128;
        int dim = 16;
        System.out.printf("OMP_NUM_THREADS=%s, %s, %d records x %d, K=%d, hidden=[%d], C=%d, batch %d, %d epoch(s)%n",
                System.getenv("OMP_NUM_THREADS"), type, rows, dim, BenchModels.BLOCKS, hidden, BenchModels.CONTEXT_DIM,
                batch, epochs);
        double[][] ctx = BenchModels.contexts(rows, 3);
        double[][] u = correlated(rows, dim, ctx, 5);
        if (export != null) {
            export(export, u, ctx);
        }
        FlowSpec spec = switch (type) {
            case "MAF" -> BenchModels.spec(dim, hidden, 1);
            case "REALNVP" -> FlowSpec.realNvp(dim, BenchModels.CONTEXT_DIM, BenchModels.BLOCKS, hidden);
            case "MAF_MOG" -> BenchModels.spec(dim, hidden, 1, "MAF_MOG", BenchModels.BLOCKS);
            default -> throw new IllegalArgumentException("--type must be MAF, REALNVP or MAF_MOG, got " + type);
        };
        FlowParameters init = ParameterInitializer.initialize(spec, new Random(42));
        TrainingOptions options = new TrainingOptions(epochs, batch, lr, 1e-5, 5.0, 10, 0.1, 42L, 3, engine);
        String ran = FlowTrainer.engineFor(engine, spec) == TrainingEngine.MANUAL ? "manual" : "samediff";
        System.out.printf("engine %s (asked %s)%n", ran, engine);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long t0 = System.nanoTime();
        long[] mark = {t0, os.getProcessCpuTime()};
        double[] lastRate = {0};
        int nTrain = rows - (int) Math.round(rows * options.validationFraction());
        TrainingResult result = new FlowTrainer(options).fit(spec, init, TrainingData.of(u, ctx), stats -> {
            long wall = System.nanoTime();
            long cpu = os.getProcessCpuTime();
            // CPU-seconds the JVM got per wall second since the previous epoch (validation included), to turn the
            // trainer's wall-clock samples/s into samples per CPU-second on a shared machine
            // (epoch 0 includes graph build and ActNorm start, as the PyTorch reference's includes its set-up)
            double cores = (double) (cpu - mark[1]) / (wall - mark[0]);
            lastRate[0] = nTrain / ((cpu - mark[1]) / 1e9);
            mark[0] = wall;
            mark[1] = cpu;
            System.out.printf("epoch %d: train NLL %.4f, val NLL %.4f, %.0f samples/s wall, %.2f cores granted,"
                            + " ~%.0f samples per CPU-second%n", stats.epoch(), stats.trainNll(), stats.valNll(),
                    stats.samplesPerSecond(), cores, lastRate[0]);
        });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("fit() wall time %.1f s (graph build, ActNorm init, validation included); best val NLL %.4f%n",
                seconds, result.bestValNll());
        System.out.println(memory());
        System.out.printf("RESULT engine=%s type=%s samples_per_cpu_s=%.0f val_nll=%.4f%n", ran, type, lastRate[0],
                result.bestValNll());
    }

    /** The records for the PyTorch reference: header "NRMLFLOW", rows, dim, cdim, then x and c as float32 LE. */
    static void export(Path file, double[][] u, double[][] ctx) throws IOException {
        int rows = u.length;
        int dim = u[0].length;
        int cdim = ctx[0].length;
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            ByteBuffer head = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            head.put("NRMLFLOW".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(rows).putInt(dim)
                    .putInt(cdim);
            out.write(head.array());
            ByteBuffer row = ByteBuffer.allocate(4 * Math.max(dim, cdim)).order(ByteOrder.LITTLE_ENDIAN);
            for (double[][] m : new double[][][] {u, ctx}) {
                for (double[] r : m) {
                    row.clear();
                    for (double v : r) {
                        row.putFloat((float) v);
                    }
                    out.write(row.array(), 0, row.position());
                }
            }
        }
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
