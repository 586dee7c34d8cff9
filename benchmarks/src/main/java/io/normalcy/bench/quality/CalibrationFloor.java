package io.normalcy.bench.quality;

import io.normalcy.demo.DemoEvent;
import io.normalcy.demo.EntityProfile;
import io.normalcy.demo.PaymentsModel;
import io.normalcy.flow.fit.AlertLevel;
import io.normalcy.flow.fit.CalibrationRows;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.TailCalibration;
import io.normalcy.flow.fit.ThresholdCalibrator;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.Thresholds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the calibration goal (observed ÷ level in [0.7, 1.4] for every context with ≥ 10/level held-out rows) can
 * promise on the quality benchmark's data when the model is perfect: the generator's exact log-density
 * ({@link PaymentsModel#logDensity}) stands in for the flow, the product's {@link ThresholdCalibrator} (same levels,
 * same min-context-samples) fits the tails on the very rows the flows' fits calibrate on (the 25 % of the history
 * their split holds out and the 10 % their training validates on, named by the product's own
 * {@link CalibrationRows#indices}), and the alerts are judged
 * on the same fresh events as in {@link QualityBenchmark}. What misses here is
 * not the flow's fit: it is the data (sampling noise of the history) or the scope of the thresholds the detector
 * applies (a type's threshold used for every region of that type). No training, about a minute per seed:
 * <pre>
 *   java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" io.normalcy.bench.quality.CalibrationFloor \
 *        --out DIR [--seeds 42,1,2,...] [--hold-out 0.25] [--train N --calibration N ...]
 * </pre>
 * (the other options as QualityBenchmark). By default it calibrates on the flows' own rows: their hold-out plus the
 * rows their training validated on ({@code FitConfig.calibrateOnValidation}, {@link #calibrationRows}).
 * {@code --hold-out F} calibrates on the first F of the hold-out's shuffle instead (0.25: the hold-out alone, as
 * before; a larger F contains it).
 * Per seed and context it reports the deployed ratio (single-field thresholds, as {@code Thresholds.evaluate}),
 * the ratio with the full hierarchy (type × region tails first, {@code TailCalibration.nodeFor}) and, for the
 * type × region rows, the ratio the type's threshold would give if it were the type's exact quantile on the
 * fresh data itself (the scope effect alone, without any estimation noise).
 */
public final class CalibrationFloor {
    private static final List<AlertLevel> LEVELS = List.of(new AlertLevel(0.01, Severity.WARNING),
            new AlertLevel(0.001, Severity.CRITICAL));
    /** No {@code --hold-out}: calibrate on exactly the flows' rows (their hold-out and validation rows). */
    private static final double AS_THE_FLOWS = Double.NaN;

    private CalibrationFloor() {
    }

    public static void main(String[] args) throws IOException {
        List<String> rest = new ArrayList<>();
        String seeds = "42";
        double holdOut = AS_THE_FLOWS;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--seeds") && i + 1 < args.length) {
                seeds = args[++i];
            } else if (args[i].equals("--hold-out") && i + 1 < args.length) {
                holdOut = holdOutFraction(args[++i]);
            } else {
                rest.add(args[i]);
            }
        }
        StringBuilder md = new StringBuilder();
        StringBuilder csv = new StringBuilder("seed,group,held_out,level,in_goal,deployed_ratio,hierarchy_ratio,"
                + "exact_type_threshold_ratio\n");
        Path out = null;
        for (String s : seeds.split(",")) {
            List<String> a = new ArrayList<>(rest);
            a.addAll(List.of("--seed", s.trim()));
            QualityOptions o = QualityOptions.parse(a.toArray(String[]::new));
            out = o.out();
            md.append(run(o, holdOut, csv));
        }
        Files.createDirectories(out);
        Files.writeString(out.resolve("calibration-floor.md"), md);
        Files.writeString(out.resolve("calibration-floor.csv"), csv);
        System.out.print(md);
        System.out.println("wrote calibration-floor.md, calibration-floor.csv to " + out);
    }

    /**
     * Indices into the history of the rows that calibrate, from the product's own {@link CalibrationRows#indices}
     * (no copy of its split here, so the floor follows any change of it). With {@code holdOut} NaN exactly the
     * flows' rows: their calibration hold-out and the rows their training validated on, which {@code ModelFitter}
     * calibrates on too ({@code FitConfig.calibrateOnValidation}); every variant has the same splits and seed.
     * Else the hold-out alone of the same fit with calibration fraction {@code holdOut}: the first {@code holdOut}
     * of the same seeded shuffle (0.25: the flows' hold-out alone, as before; a larger F contains it).
     */
    static int[] calibrationRows(int n, QualityOptions o, double holdOut) {
        FitConfig flows = FlowMethod.config(FlowMethod.Variant.DEFAULT, o);
        if (Double.isNaN(holdOut)) {
            return CalibrationRows.indices(n, flows);
        }
        double validation = Math.min(FlowMethod.VALIDATION, (1 - holdOut) / 2);
        return CalibrationRows.indices(n, flows.toBuilder().calibrateOnValidation(false)
                .trainFraction(1 - holdOut - validation).validationFraction(validation).build());
    }

    /** {@code --hold-out F}: a fraction in (0, 1), e.g. 0.35 for the validation and calibration rows together. */
    private static double holdOutFraction(String s) {
        double f;
        try {
            f = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--hold-out must be a number in (0, 1), got '" + s + "'", e);
        }
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException("--hold-out must be in (0, 1), got " + s);
        }
        return f;
    }

    static String run(QualityOptions o, double holdOut, StringBuilder csv) {
        QualityData data = QualityData.generate(o);
        List<DemoEvent> heldOut = Arrays.stream(calibrationRows(data.history().size(), o, holdOut))
                .mapToObj(data.history()::get).toList();
        double[] ld = heldOut.stream().mapToDouble(CalibrationFloor::exact).toArray();
        List<Map<String, String>> contexts = heldOut.stream().map(QualityData::context).toList();
        Map<String, List<String>> vocab = new LinkedHashMap<>();
        vocab.put(PaymentsModel.ENTITY_TYPE, EntityProfile.ALL.stream().map(EntityProfile::name).toList());
        vocab.put(PaymentsModel.REGION, PaymentsModel.REGIONS);
        TailCalibration tails = new ThresholdCalibrator(LEVELS, FlowMethod.MIN_CONTEXT_SAMPLES).fitTails(ld, contexts,
                List.of(PaymentsModel.ENTITY_TYPE, PaymentsModel.REGION), vocab);
        Thresholds deployed = tails.thresholds();
        List<String> groups = Calibration.allGroups();
        Map<String, Double> typeQuantile = exactTypeQuantiles(data.calibration());
        // group -> {n, deployed@l0, deployed@l1, hierarchy@l0, hierarchy@l1, exact type threshold@l0, @l1}
        Map<String, long[]> c = new LinkedHashMap<>();
        groups.forEach(g -> c.put(g, new long[7]));
        for (DemoEvent e : data.calibration()) {
            double x = exact(e);
            Map<String, String> ctx = QualityData.context(e);
            Severity sev = deployed.evaluate(x, ctx).severity();
            for (String g : List.of("global", PaymentsModel.ENTITY_TYPE + "=" + e.entityType(),
                    PaymentsModel.REGION + "=" + e.region(), PaymentsModel.ENTITY_TYPE + "=" + e.entityType() + ","
                            + PaymentsModel.REGION + "=" + e.region())) {
                long[] k = c.get(g);
                k[0]++;
                for (int l = 0; l < LEVELS.size(); l++) {
                    AlertLevel level = LEVELS.get(l);
                    k[1 + l] += sev.compareTo(level.severity()) >= 0 ? 1 : 0;
                    k[3 + l] += x < tails.nodeFor(ctx, level.level()).threshold(level.level()) ? 1 : 0;
                    k[5 + l] += x < typeQuantile.get(e.entityType() + "@" + level.level()) ? 1 : 0;
                }
            }
        }
        return table(o, heldOut.size(), tails, c, csv);
    }

    private static String table(QualityOptions o, int calibrating, TailCalibration tails, Map<String, long[]> c,
                                StringBuilder csv) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%nSeed %d: exact density, %,d history"
                        + " (%,d calibrating), %,d fresh events%n%n| context | held-out | deployed @0.01 | hierarchy @0.01"
                        + " | exact type threshold @0.01 | deployed @0.001 | hierarchy @0.001 |%n|---|---|---|---|---|---|---|%n",
                o.seed(), o.train(), calibrating, o.calibration()));
        int[] inGoal = new int[LEVELS.size()];
        int[] met = new int[LEVELS.size()];
        List<String> missed = new ArrayList<>();
        for (Map.Entry<String, long[]> g : c.entrySet()) {
            long[] k = g.getValue();
            long held = tails.node(g.getKey()) == null ? 0 : tails.node(g.getKey()).count();
            String[] cell = new String[5];
            for (int l = 0; l < LEVELS.size(); l++) {
                double q = LEVELS.get(l).level();
                double dep = k[1 + l] / (double) k[0] / q;
                double hier = k[3 + l] / (double) k[0] / q;
                double typ = g.getKey().contains(",") ? k[5 + l] / (double) k[0] / q : Double.NaN;
                boolean goal = held >= Math.ceil(ThresholdCalibrator.MIN_TAIL_POINTS / q - 1e-9);
                boolean ok = dep >= Calibration.GOAL_LOW && dep <= Calibration.GOAL_HIGH;
                if (goal) {
                    inGoal[l]++;
                    met[l] += ok ? 1 : 0;
                    if (!ok) {
                        missed.add(String.format(Locale.ROOT, "%s ×%.2f @%s", g.getKey(), dep, q));
                    }
                }
                String mark = goal && !ok ? "**" : "";
                cell[l == 0 ? 0 : 3] = String.format(Locale.ROOT, "%s×%.2f%s", mark, dep, mark);
                cell[l == 0 ? 1 : 4] = String.format(Locale.ROOT, "×%.2f", hier);
                if (l == 0) {
                    cell[2] = Double.isNaN(typ) ? "" : String.format(Locale.ROOT, "×%.2f", typ);
                }
                csv.append(String.format(Locale.ROOT, "%d,\"%s\",%d,%s,%s,%.3f,%.3f,%s%n", o.seed(), g.getKey(), held,
                        q, goal, dep, hier, Double.isNaN(typ) ? "" : String.format(Locale.ROOT, "%.3f", typ)));
            }
            sb.append(String.format(Locale.ROOT, "| %s | %,d | %s |%n", g.getKey(), held, String.join(" | ", cell)));
        }
        sb.append(String.format(Locale.ROOT, "%nGoal, deployed thresholds: @0.01 %d of %d, @0.001 %d of %d%s%n",
                met[0], inGoal[0], met[1], inGoal[1], missed.isEmpty() ? "" : " (outside: "
                        + String.join(", ", missed) + ")"));
        return sb.toString();
    }

    /** Per entity type and level, the type's exact q-quantile of log p on the fresh events themselves. */
    private static Map<String, Double> exactTypeQuantiles(List<DemoEvent> fresh) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (EntityProfile p : EntityProfile.ALL) {
            double[] x = fresh.stream().filter(e -> e.entityType().equals(p.name()))
                    .mapToDouble(CalibrationFloor::exact).sorted().toArray();
            for (AlertLevel l : LEVELS) {
                out.put(p.name() + "@" + l.level(), x[(int) Math.floor(l.level() * x.length)]);
            }
        }
        return out;
    }

    private static double exact(DemoEvent e) {
        return PaymentsModel.logDensity(e.features(), EntityProfile.named(e.entityType()), e.region(),
                e.hourOfDay());
    }
}
