package io.normalcy.bench.sizing;

import io.normalcy.flow.fit.AlertLevel;
import io.normalcy.flow.fit.AutoCandidate;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.FitResult;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Sizes and regularisation that fit the data (issue 13, item 3): on {@link KnownDensityTable} tables of several
 * sizes and widths, the held-out NLL and its gap to the true density of the old fixed defaults
 * ({@code sizeToData(false)}), the size-dependent defaults ({@code SizeRule}) and flow auto selection.
 * <pre>
 *   java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.normalcy.bench.sizing.SizingBenchmark \
 *        --out DIR [--tables 3000x36,20000x16,100000x4] [--variants fixed,sized,auto] [--auto-budget 120]
 *        [--test 5000] [--seed 1]
 * </pre>
 * Every run goes through {@code ModelFitter} (the trainer's code path) with only the features set, so the defaults
 * are what is measured. Each finished run is appended to {@code sizing.csv} at once (a long run that is stopped
 * keeps its finished rows); {@code sizing.md} is the table of the whole run. Run with {@code OMP_NUM_THREADS=1}.
 *
 * <p>A variant may override single settings after its base, separated by colons, to find out which of the rule's
 * choices makes a difference: {@code BxW} (blocks × two hidden layers of width W), {@code epochs=N},
 * {@code patience=N}, {@code wd=X} (weight decay); the others keep what the base gives. For example
 * {@code --variants sized,sized:5x96,sized:6x128:wd=1e-5,fixed:epochs=29} (the variant column shows the string).
 */
public final class SizingBenchmark {
    private static final String HEADER = "rows,features,variant,flow,blocks,hidden,epochs_run,max_epochs,patience,"
            + "weight_decay,train_seconds,heldout_nll,true_nll,gap,candidates";

    private SizingBenchmark() {
    }

    /** One fitted variant on one table. */
    record Row(int rows, int features, String variant, String flow, String blocks, String hidden, int epochsRun,
               String maxEpochs, String patience, String weightDecay, double seconds, double nll, double trueNll,
               String candidates) {
        String csv() {
            return String.format(Locale.ROOT, "%d,%d,%s,%s,%s,\"%s\",%d,%s,%s,%s,%.1f,%.4f,%.4f,%.4f,\"%s\"", rows,
                    features, variant, flow, blocks, hidden, epochsRun, maxEpochs, patience, weightDecay, seconds,
                    nll, trueNll, nll - trueNll, candidates);
        }

        String markdown() {
            return String.format(Locale.ROOT, "| %,d × %d | %s | %s %s×%s | %d / %s | %s | %s | %.0f | %.3f | %.3f |"
                            + " **%.3f** |", rows, features, variant, flow, blocks, hidden, epochsRun, maxEpochs,
                    patience, weightDecay, seconds, nll, trueNll, nll - trueNll);
        }
    }

    public static void main(String[] args) throws IOException {
        if (System.getProperty("logback.statusListenerClass") == null) {
            System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        }
        Map<String, String> o = options(args);
        Path out = Path.of(o.getOrDefault("--out", "benchmarks/results"));
        Files.createDirectories(out);
        Duration budget = Duration.ofSeconds(Long.parseLong(o.getOrDefault("--auto-budget", "120")));
        int testRows = Integer.parseInt(o.getOrDefault("--test", "5000"));
        long seed = Long.parseLong(o.getOrDefault("--seed", "1"));
        List<String> variants = List.of(o.getOrDefault("--variants", "fixed,sized,auto").split(","));
        Path csv = out.resolve("sizing.csv");
        if (!Files.exists(csv)) {
            Files.writeString(csv, HEADER + "\n");
        }
        List<Row> rows = new ArrayList<>();
        for (String table : o.getOrDefault("--tables", "3000x36,20000x16,100000x4").split(",")) {
            String[] nd = table.split("x");
            int n = Integer.parseInt(nd[0]);
            int d = Integer.parseInt(nd[1]);
            KnownDensityTable gen = new KnownDensityTable(d, seed);
            List<RawRecord> train = records(gen.sample(n, new Random(seed * 31 + n)));
            double[][] test = gen.sample(testRows, new Random(seed * 37 + n + 1));
            for (String v : variants) {
                System.out.printf(Locale.ROOT, "%s: %,d × %d, %s ...%n", java.time.Instant.now(), n, d, v);
                Row r = run(n, d, v, train, test, gen, budget, seed);
                rows.add(r);
                System.out.println("  " + r.markdown());
                Files.writeString(csv, r.csv() + "\n", StandardOpenOption.APPEND);
            }
        }
        try (Writer w = Files.newBufferedWriter(out.resolve("sizing.md"))) {
            w.write(markdown(rows, budget, testRows, seed));
        }
        System.out.print(markdown(rows, budget, testRows, seed));
        System.exit(0); // ND4J leaves non-daemon threads behind
    }

    static Row run(int n, int d, String variant, List<RawRecord> train, double[][] test, KnownDensityTable gen,
                   Duration budget, long seed) {
        FitConfig.Builder b = configure(variant, budget).seed(seed)
                .levels(List.of(new AlertLevel(0.01, Severity.WARNING)));
        long t0 = System.nanoTime();
        FitResult fit = new ModelFitter().fit("sizing", 1, train, b.build(), null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        NormalcyModel m = fit.model();
        Map<String, String> c = m.provenance().config();
        Scorer scorer = m.newScorer();
        double nll = 0;
        double truth = 0;
        double[] contrib = new double[d];
        for (double[] x : test) {
            nll -= scorer.scoreInto(features(x), Map.of(), Map.of(), 0L, contrib) / test.length;
            truth -= gen.logDensity(x) / test.length;
        }
        List<String> cands = new ArrayList<>();
        for (AutoCandidate a : fit.autoCandidates()) {
            cands.add(a.trained() ? String.format(Locale.ROOT, "%s %.4f (%d epochs%s)%s", a.label(),
                    a.validationNll(), a.epochs(), a.droppedAtRung() < 0 ? "" : ", rung " + a.droppedAtRung(),
                    a.chosen() ? "*" : "") : a.label() + " skipped");
        }
        if (c.containsKey("autoWarning")) {
            System.out.println("  " + c.get("autoWarning"));
        }
        return new Row(n, d, variant, c.get("flowType"), c.get("blocks"), c.get("hidden"), fit.history().size(),
                c.get("epochs"), c.get("patience"), c.get("weightDecay"), seconds, nll, truth, String.join("; ", cands));
    }

    /** The builder for {@code variant}: a base (fixed, sized, auto) and its optional {@code :}-separated overrides. */
    static FitConfig.Builder configure(String variant, Duration budget) {
        String[] parts = variant.split(":");
        FitConfig.Builder b = FitConfig.builder();
        switch (parts[0]) {
            case "fixed" -> b.sizeToData(false);
            case "sized" -> { }
            case "auto" -> b.autoSelect(budget);
            default -> throw new IllegalArgumentException("unknown variant '" + variant + "' (fixed, sized, auto,"
                    + " each optionally followed by :BxW, :epochs=N, :patience=N, :wd=X)");
        }
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            if (p.matches("\\d+x\\d+")) {
                String[] bw = p.split("x");
                b.blocks(Integer.parseInt(bw[0])).hidden(Integer.parseInt(bw[1]), Integer.parseInt(bw[1]));
            } else if (p.startsWith("epochs=")) {
                b.epochs(Integer.parseInt(p.substring(7)));
            } else if (p.startsWith("patience=")) {
                b.patience(Integer.parseInt(p.substring(9)));
            } else if (p.startsWith("wd=")) {
                b.weightDecay(Double.parseDouble(p.substring(3)));
            } else {
                throw new IllegalArgumentException("unknown override '" + p + "' in variant '" + variant
                        + "' (BxW, epochs=N, patience=N, wd=X)");
            }
        }
        return b;
    }

    static String markdown(List<Row> rows, Duration budget, int testRows, long seed) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Held-out NLL on %,d fresh rows per table (nats/row, lower is better);"
                + " gap = model NLL − true NLL; auto budget %d s; seed %d.%n%n", testRows, budget.toSeconds(), seed));
        sb.append("| table (rows × features) | defaults | model | epochs run / max | patience | weight decay |"
                + " fit s | held-out NLL | true NLL | gap |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            sb.append(r.markdown()).append('\n');
        }
        sb.append('\n');
        for (Row r : rows) {
            if (!r.candidates().isEmpty()) {
                sb.append(String.format(Locale.ROOT, "- auto, %,d × %d: %s (* = chosen; validation NLL in flow"
                        + " space)%n", r.rows(), r.features(), r.candidates()));
            }
        }
        return sb.toString();
    }

    private static List<RawRecord> records(double[][] x) {
        List<RawRecord> out = new ArrayList<>(x.length);
        for (double[] row : x) {
            out.add(new RawRecord(features(row), Map.of(), Map.of(), 0L));
        }
        return out;
    }

    private static Map<String, Double> features(double[] row) {
        Map<String, Double> f = new HashMap<>();
        for (int j = 0; j < row.length; j++) {
            f.put(KnownDensityTable.name(j), row[j]);
        }
        return f;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("usage: --out DIR --tables NxD,... --variants fixed,sized,auto"
                        + " --auto-budget SECONDS --test N --seed N; got '" + args[i] + "'");
            }
            o.put(args[i], args[++i]);
        }
        return o;
    }
}
