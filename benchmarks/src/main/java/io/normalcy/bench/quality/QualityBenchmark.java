package io.normalcy.bench.quality;

import io.normalcy.bench.HarnessMain;
import io.normalcy.bench.RunEnvironment;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Detection quality and calibration benchmark (issue 7, items 3 and 4), one command for every method side by side:
 * <pre>
 *   java -cp "benchmarks/target/benchmarks.jar:benchmarks/target/lib/*" \
 *        io.normalcy.bench.quality.QualityBenchmark --out DIR [--quick] [--seed N] [--train N] [--test N]
 * </pre>
 * A harness, not JMH and not a test: it trains three flows (minutes), so the default build only compiles it.
 * The flows are issue 13's before and after on the same data (the old default MAF with fixed 3 × [64, 64] against
 * today's default MAF_MOG sized by {@code SizeRule}) and RealNVP; {@link FlowMethod.Variant} says what each sets.
 * It writes {@code quality.md} (the report fragment for {@code docs/benchmarks.md}), {@code quality-detection.csv},
 * {@code quality-calibration.csv}, {@code detection-roc.png} and {@code calibration.png} into {@code --out}.
 *
 * <p>Why these pieces: the demo's generator gives known truth with a wrong-context kind that only a conditional
 * model can see; the flows are fitted by the trainer's own {@code ModelFitter} and alert with their own calibrated
 * thresholds; the peers (RCF, isolation forest) are run as usually deployed and once more with the context as
 * extra inputs; and calibration is checked on fresh clean data the models never saw. Run with
 * {@code OMP_NUM_THREADS=1} (ND4J training).
 */
public final class QualityBenchmark {
    private QualityBenchmark() {
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        HarnessMain.main(args, QualityOptions::parse, QualityBenchmark::run);
    }

    static void run(QualityOptions o, String argLine) throws IOException {
        RunEnvironment<QualityOptions> env = RunEnvironment.capture(o, argLine);
        Files.createDirectories(o.out());
        System.out.printf(Locale.ROOT, "quality benchmark: train %,d, test %,d (anomaly rate %.3f), calibration %,d,"
                        + " epochs %d%s, seed %d, OMP_NUM_THREADS=%s; load %s%n", o.train(), o.test(), o.anomalyRate(),
                o.calibration(), o.epochs(), o.epochsGiven() ? " (every flow)" : " (fixed-size flows; default flow:"
                        + " size rule)", o.seed(), System.getenv("OMP_NUM_THREADS"), env.loadBefore());
        if (!"1".equals(System.getenv("OMP_NUM_THREADS"))) {
            System.out.println("  (set OMP_NUM_THREADS=1: more OpenMP threads than cores slows ND4J training down)");
        }
        long t0 = System.nanoTime();
        QualityData data = QualityData.generate(o);
        System.out.printf(Locale.ROOT, "generated %,d history, %,d test (%d anomalies), %,d calibration events%n",
                data.history().size(), data.test().size(), sum(QualityData.labels(data.test())),
                data.calibration().size());

        // before (the old default) and after (today's default) on the same data, then the coupling family
        List<FlowMethod> flows = List.of(new FlowMethod(FlowMethod.Variant.OLD_DEFAULT, o),
                new FlowMethod(FlowMethod.Variant.DEFAULT, o), new FlowMethod(FlowMethod.Variant.REALNVP, o));
        List<MethodScores> methods = scoreMethods(o, data, flows);
        List<Detection.Row> detection = Detection.rows(methods, data.test());
        try (Writer w = Files.newBufferedWriter(o.out().resolve("quality-detection.csv"))) {
            Detection.writeCsv(detection, w);
        }

        System.out.printf(Locale.ROOT, "calibration: scoring %,d fresh clean events%n", data.calibration().size());
        List<Calibration.Row> calibration = new ArrayList<>();
        Map<String, Double> meanLogP = new LinkedHashMap<>();
        calibrate(data, flows, calibration, meanLogP);
        try (Writer w = Files.newBufferedWriter(o.out().resolve("quality-calibration.csv"))) {
            Calibration.writeCsv(calibration, w);
        }
        String sizes = String.format(Locale.ROOT, "seed %d: trained on %,d clean events; %,d test events with %d"
                        + " anomalies", o.seed(), o.train(), o.test(), sum(QualityData.labels(data.test())));
        Plots.roc(methods, data.test(), o.out().resolve("detection-roc.png"), sizes
                + "; dashed = peer given the context as extra inputs; dotted = generator's exact density (reference)");
        Plots.calibration(calibration, flows.stream().map(FlowMethod::name).toList(),
                o.out().resolve("calibration.png"), String.format(Locale.ROOT, "%,d fresh clean events (seed %d),"
                        + " models trained on %,d events; bars = exact 95%% binomial intervals", o.calibration(),
                        o.seed() + 1, o.train()));
        double minutes = (System.nanoTime() - t0) / 60e9;
        env = env.finish(minutes);
        try (Writer w = Files.newBufferedWriter(o.out().resolve("quality.md"))) {
            w.write(Report.markdown(env, data, methods, detection, flows, calibration, meanLogP));
        }
        System.out.println();
        System.out.print(Report.detectionTable(detection, Detection.ALL));
        System.out.printf(Locale.ROOT, "%nwrote quality.md, quality-detection.csv, quality-calibration.csv,"
                + " detection-roc.png, calibration.png to %s (%.1f min; load %s)%n", o.out(), minutes, env.loadAfter());
    }

    /** The flows (the trainer's code path), the peers with and without the context, and the exact density. */
    private static List<MethodScores> scoreMethods(QualityOptions o, QualityData data, List<FlowMethod> flows) {
        List<MethodScores> methods = new ArrayList<>();
        for (FlowMethod f : flows) {
            System.out.println("fitting " + f.name() + " with ModelFitter (the trainer's code path)");
            methods.add(f.run(data.history(), data.test()));
            System.out.println("  " + f.name() + ": " + f.settings());
        }
        for (boolean context : new boolean[] {false, true}) {
            System.out.println("RCF, " + (context ? "features + context" : "features only") + " (streaming)");
            methods.add(PeerMethods.rcf(data.history(), data.test(), context, o.seed()));
            System.out.println("isolation forest, " + (context ? "features + context" : "features only"));
            methods.add(PeerMethods.isolationForest(data.history(), data.test(), context, o.seed()));
        }
        methods.add(Detection.truth(data.history(), data.test()));
        return methods;
    }

    /** Calibration rows of each flow's refitted held-out tails, and mean log-densities next to the exact ones. */
    private static void calibrate(QualityData data, List<FlowMethod> flows, List<Calibration.Row> calibration,
                                  Map<String, Double> meanLogP) {
        for (FlowMethod f : flows) {
            System.out.println("  " + f.name() + ": refitting the held-out tails, bootstrap intervals");
            calibration.addAll(Calibration.rows(f.name(), f.model(), HeldOut.tails(f, data.history()),
                    data.calibration()));
            meanLogP.put(f.name(), Calibration.meanLogDensity(f.model(), data.calibration()));
        }
        meanLogP.put("exact density", Calibration.meanTrueLogDensity(data.calibration()));
        Calibration.meanTrueLogDensityByType(data.calibration()).forEach((type, lp) -> {
            if (!type.equals("global")) {
                meanLogP.put("exact density, entityType=" + type, lp);
            }
        });
    }

    private static int sum(int[] y) {
        int s = 0;
        for (int v : y) {
            s += v;
        }
        return s;
    }
}
