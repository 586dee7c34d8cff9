package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import io.normalcy.demo.EntityProfile;
import io.normalcy.demo.PaymentsModel;
import io.normalcy.flow.model.ContextThreshold;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.ThresholdLevel;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Item 4: does a threshold calibrated at level L alert on a share L of clean traffic it has never seen — overall
 * and within each context value? The alerts are the detector's ({@code Thresholds.evaluate}: the record's scope is
 * its entity type when that type has its own threshold, else its region, else global), so this measures the
 * thresholds as deployed, including where a rare level fell back to the global threshold because the hold-out had
 * fewer than max(minContextSamples, 10/level) records of that value. Per region, records keep their entity-type
 * scope: the region rows show how the type thresholds behave when the traffic is cut the other way.
 */
final class Calibration {
    /**
     * Observed alert rate of one model in one group at one level.
     *
     * @param onType    share of the group's records judged against their entity type's own threshold
     * @param onRegion  share judged against their region's own threshold (entity type fell back)
     * @param onGlobal  share judged against the global threshold at this level (both fell back)
     * @param threshold the threshold used, or NaN when the group's records use several
     * @param heldOut   calibration hold-out records behind the group's own threshold at this level (for a value
     *                  that fell back: how many it had, against the max(minContextSamples, 10/level) needed)
     */
    record Row(String model, String group, long n, double level, long alerts, double rate, double low, double high,
               double onType, double onRegion, double onGlobal, double threshold, long heldOut) {
    }

    private Calibration() {
    }

    /** Groups: global, then each entity type, then each region, as {@code field=value}. */
    static List<String> groups() {
        List<String> g = new ArrayList<>(List.of("global"));
        EntityProfile.ALL.forEach(p -> g.add(PaymentsModel.ENTITY_TYPE + "=" + p.name()));
        PaymentsModel.REGIONS.forEach(r -> g.add(PaymentsModel.REGION + "=" + r));
        return g;
    }

    static List<Row> rows(String modelName, NormalcyModel model, List<DemoEvent> clean) {
        List<ThresholdLevel> levels = model.thresholds().levels();
        Map<String, long[]> n = new LinkedHashMap<>();
        Map<String, long[][]> counts = new LinkedHashMap<>(); // group -> level -> {alerts, type, region, global}
        Map<String, double[]> used = new LinkedHashMap<>(); // group -> level -> threshold (NaN if several)
        for (String g : groups()) {
            n.put(g, new long[1]);
            counts.put(g, new long[levels.size()][4]);
            double[] u = new double[levels.size()];
            java.util.Arrays.fill(u, Double.NEGATIVE_INFINITY);
            used.put(g, u);
        }
        Scorer scorer = model.newScorer();
        for (DemoEvent e : clean) {
            FlowMethod.Scored s = FlowMethod.score(scorer, e);
            String scope = s.evaluation().scope();
            for (String g : List.of("global", PaymentsModel.ENTITY_TYPE + "=" + e.entityType(),
                    PaymentsModel.REGION + "=" + e.region())) {
                n.get(g)[0]++;
                for (int l = 0; l < levels.size(); l++) {
                    ThresholdLevel level = levels.get(l);
                    ContextThreshold ct = scoped(level, scope);
                    boolean global = ct == null || ct.fallback();
                    double threshold = global ? level.global() : ct.threshold();
                    long[] c = counts.get(g)[l];
                    c[0] += s.evaluation().severity().compareTo(level.severity()) >= 0 ? 1 : 0;
                    c[global ? 3 : scope.startsWith(PaymentsModel.ENTITY_TYPE + "=") ? 1 : 2]++;
                    double[] u = used.get(g);
                    u[l] = u[l] == Double.NEGATIVE_INFINITY || u[l] == threshold ? threshold : Double.NaN;
                }
            }
        }
        List<Row> out = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            for (String g : groups()) {
                long size = n.get(g)[0];
                long[] c = counts.get(g)[l];
                double[] ci = Metrics.clopperPearson(c[0], size);
                out.add(new Row(modelName, g, size, levels.get(l).level(), c[0], (double) c[0] / size, ci[0], ci[1],
                        (double) c[1] / size, (double) c[2] / size, (double) c[3] / size, used.get(g)[l],
                        heldOut(levels.get(l), g)));
            }
        }
        return out;
    }

    /** Mean log p(x | c) of a model over clean events: with the generator's, the gap in nats per event. */
    static double meanLogDensity(NormalcyModel model, List<DemoEvent> clean) {
        Scorer scorer = model.newScorer();
        double sum = 0;
        for (DemoEvent e : clean) {
            sum += FlowMethod.score(scorer, e).logDensity();
        }
        return sum / clean.size();
    }

    /** The generator's exact mean log-density over the same events (same units: original, item count as a pmf). */
    static double meanTrueLogDensity(List<DemoEvent> clean) {
        return meanTrueLogDensityByType(clean).get("global");
    }

    /**
     * The same per entity type (and "global"): log p in original units sits on a different scale per context,
     * which is why one threshold cannot be the same quantile for every context.
     */
    static Map<String, Double> meanTrueLogDensityByType(List<DemoEvent> clean) {
        Map<String, double[]> sums = new LinkedHashMap<>();
        sums.put("global", new double[2]);
        EntityProfile.ALL.forEach(p -> sums.put(p.name(), new double[2]));
        for (DemoEvent e : clean) {
            double lp = PaymentsModel.logDensity(e.features(), EntityProfile.named(e.entityType()), e.region(),
                    e.hourOfDay());
            for (String k : List.of("global", e.entityType())) {
                sums.get(k)[0] += lp;
                sums.get(k)[1]++;
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        sums.forEach((k, v) -> out.put(k, v[0] / v[1]));
        return out;
    }

    private static long heldOut(ThresholdLevel level, String group) {
        ContextThreshold ct = scoped(level, group);
        return group.equals("global") ? level.globalCount() : ct == null ? 0 : ct.count();
    }

    /** The per-context threshold behind an evaluation's scope ("global" or "field=value"), or null for global. */
    private static ContextThreshold scoped(ThresholdLevel level, String scope) {
        int eq = scope.indexOf('=');
        return eq < 0 ? null : level.forContext(scope.substring(0, eq), scope.substring(eq + 1));
    }

    static void writeCsv(List<Row> rows, Writer w) throws IOException {
        w.write("model,group,n,level,alerts,observed_rate,ci95_low,ci95_high,ratio,on_type_threshold,"
                + "on_region_threshold,on_global_threshold,held_out_records,threshold\n");
        for (Row r : rows) {
            w.write(String.format(Locale.ROOT, "%s,%s,%d,%s,%d,%.5f,%.5f,%.5f,%.3f,%.3f,%.3f,%.3f,%d,%s%n", r.model(),
                    r.group(), r.n(), r.level(), r.alerts(), r.rate(), r.low(), r.high(), r.rate() / r.level(),
                    r.onType(), r.onRegion(), r.onGlobal(), r.heldOut(),
                    Double.isNaN(r.threshold()) ? "several" : String.format(Locale.ROOT, "%.4f", r.threshold())));
        }
    }
}
