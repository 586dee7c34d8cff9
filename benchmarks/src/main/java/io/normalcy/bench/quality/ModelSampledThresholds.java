package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import io.normalcy.flow.fit.ThresholdCalibrator;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * An experiment on issue 13 item 4 that the product does not use, kept so that its result can be re-run: can a flow
 * calibrate its own thresholds from its own samples? A flow both samples p(x | c) and scores it exactly, so the
 * q-quantile of log p over m draws per history row's context has no hold-out noise at all (here 20 draws per row,
 * 800,000 per model); if the flow's tail were right, that quantile would give every context the level's rate, which
 * no estimator from 10/q held-out rows can promise (±30 % in rate, see {@link CalibrationFloor}). Judged on the same
 * fresh events as {@link QualityBenchmark}, per context (global, entity type, region, type × region), against the
 * thresholds the fit deployed:
 * <pre>
 *   java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *        io.normalcy.bench.quality.ModelSampledThresholds --out DIR [--variant DEFAULT --variant REALNVP] [--m 20]
 * </pre>
 * (the other options as QualityBenchmark). Result (docs/benchmarks.md, "Thresholds from the model's own samples"):
 * the sampled quantiles miss by far more than the held-out ones (e.g. ×0.25–0.35 for one entity type at 0.01), i.e.
 * the flows' log-density tails are not accurate enough to replace the hold-out; the deployed thresholds stay as they
 * are.
 */
public final class ModelSampledThresholds {
    private static final double[] LEVELS = {0.01, 0.001};

    private ModelSampledThresholds() {
    }

    public static void main(String[] args) throws IOException {
        int m = 20;
        List<String> rest = new ArrayList<>();
        List<FlowMethod.Variant> variants = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--m") && i + 1 < args.length) {
                m = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--variant") && i + 1 < args.length) {
                variants.add(FlowMethod.Variant.valueOf(args[++i]));
            } else {
                rest.add(args[i]);
            }
        }
        if (variants.isEmpty()) {
            variants.add(FlowMethod.Variant.DEFAULT);
        }
        QualityOptions o = QualityOptions.parse(rest.toArray(String[]::new));
        QualityData data = QualityData.generate(o);
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "Thresholds from each model's own samples"
                + " (%d per history row's context), seed %d, %,d history, %,d fresh events; observed rate ÷ level%n",
                m, o.seed(), o.train(), o.calibration()));
        for (FlowMethod.Variant v : variants) {
            FlowMethod f = new FlowMethod(v, o);
            f.run(data.history(), data.test().subList(0, 1));
            md.append(table(f.name(), f.model(), data, m, o.seed()));
        }
        Files.createDirectories(o.out());
        Files.writeString(o.out().resolve("model-sampled-thresholds.md"), md);
        System.out.print(md);
    }

    /** The groups an event counts in: global, its entity type, its region, its combination. */
    private static List<String> groupsOf(DemoEvent e) {
        return List.of("global", "entityType=" + e.entityType(), "region=" + e.region(),
                "entityType=" + e.entityType() + ",region=" + e.region());
    }

    private static String table(String name, NormalcyModel model, QualityData data, int m, long seed) {
        Scorer scorer = model.newScorer();
        Map<String, double[]> sampled = sampledThresholds(model, scorer, data.history(), m, seed);
        Map<String, long[]> c = new LinkedHashMap<>();
        for (DemoEvent e : data.calibration()) {
            Map<String, String> ctx = QualityData.context(e);
            double ld = scorer.scoreInto(e.features(), ctx, Map.of(), e.eventTime(), null);
            Severity sev = model.thresholds().evaluate(ld, ctx).severity();
            for (String g : groupsOf(e)) {
                long[] k = c.computeIfAbsent(g, x -> new long[5]);
                k[0]++;
                k[1] += sev != Severity.NORMAL ? 1 : 0;
                k[2] += sev == Severity.CRITICAL ? 1 : 0;
                k[3] += ld < sampled.get(g)[0] ? 1 : 0;
                k[4] += ld < sampled.get(g)[1] ? 1 : 0;
            }
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%s%n%n| context | samples | deployed @0.01"
                + " | sampled @0.01 | deployed @0.001 | sampled @0.001 |%n|---|---|---|---|---|---|%n", name));
        c.forEach((g, k) -> sb.append(String.format(Locale.ROOT, "| %s | %,.0f | ×%.2f | ×%.2f | ×%.2f | ×%.2f |%n",
                g, sampled.get(g)[2], k[1] / (double) k[0] / LEVELS[0], k[3] / (double) k[0] / LEVELS[0],
                k[2] / (double) k[0] / LEVELS[1], k[4] / (double) k[0] / LEVELS[1])));
        return sb.toString();
    }

    /** Per group: {q-quantile at each level, sample count} of log p over m draws per history row's context. */
    private static Map<String, double[]> sampledThresholds(NormalcyModel model, Scorer scorer, List<DemoEvent> rows,
                                                           int m, long seed) {
        Random rng = new Random(seed * 31 + 7);
        List<String> names = model.featureNames();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (DemoEvent e : rows) {
            Map<String, String> ctx = QualityData.context(e);
            for (double[] x : model.sample(m, ctx, Map.of(), e.eventTime(), rng)) {
                Map<String, Double> features = new HashMap<>();
                for (int j = 0; j < names.size(); j++) {
                    features.put(names.get(j), x[j]);
                }
                double ld = scorer.scoreInto(features, ctx, Map.of(), e.eventTime(), null);
                groupsOf(e).forEach(g -> values.computeIfAbsent(g, k -> new ArrayList<>()).add(ld));
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        values.forEach((g, l) -> {
            double[] s = l.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            out.put(g, new double[] {ThresholdCalibrator.quantile(s, LEVELS[0]),
                    ThresholdCalibrator.quantile(s, LEVELS[1]), s.length});
        });
        return out;
    }
}
