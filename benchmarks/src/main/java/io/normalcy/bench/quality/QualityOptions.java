package io.normalcy.bench.quality;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of one quality run. Defaults are sized so that a full run (three flow trainings, four forest runs,
 * calibration on fresh data) stays under about ten minutes on two slow, shared cores, and {@code --quick} under
 * about two: the sizes are what decide how noisy recall per anomaly kind and the 0.1 % calibration rates are, so
 * they are printed into every report.
 *
 * @param out         directory for {@code quality.md}, the CSVs and the PNGs
 * @param seed        seed of the history/test stream and of every model; the clean calibration set uses seed + 1
 * @param train       clean history events (the flows' trainer/validation/calibration splits, the peers' training
 *                    set plus their threshold hold-out)
 * @param test        scored test events, {@link #anomalyRate} of them injected anomalies
 * @param calibration fresh clean events for the calibration check (item 4)
 * @param epochs      maximum training epochs of the fixed-size flows (old default, RealNVP)
 * @param anomalyRate share of anomalies in the test stream
 * @param quick       true when {@code --quick} chose the sizes
 * @param epochsGiven true when {@code --epochs} was on the command line: only then does it cap the default flow
 *                    too, which otherwise trains as a user who sets no sizes gets it (epochs from {@code SizeRule})
 */
public record QualityOptions(Path out, long seed, int train, int test, int calibration, int epochs,
                             double anomalyRate, boolean quick, boolean epochsGiven) {

    static final int TRAIN = 40_000;
    static final int TEST = 60_000;
    static final int CALIBRATION = 300_000;
    static final int EPOCHS = 10;
    static final int QUICK_TRAIN = 12_000;
    static final int QUICK_TEST = 12_000;
    static final int QUICK_CALIBRATION = 60_000;
    static final int QUICK_EPOCHS = 6;

    public QualityOptions {
        require(train >= 2_000, "--train must be at least 2000, got " + train);
        require(test >= 1_000, "--test must be at least 1000, got " + test);
        require(calibration >= 1_000, "--calibration must be at least 1000, got " + calibration);
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(anomalyRate > 0 && anomalyRate < 0.5, "--anomaly-rate must be in (0, 0.5), got " + anomalyRate);
    }

    /** Parses {@code --out DIR --seed N --train N --test N --calibration N --epochs N --anomaly-rate X --quick}. */
    public static QualityOptions parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        Path out = Path.of("benchmarks/results");
        long seed = 42;
        int train = quick ? QUICK_TRAIN : TRAIN;
        int test = quick ? QUICK_TEST : TEST;
        int calibration = quick ? QUICK_CALIBRATION : CALIBRATION;
        int epochs = quick ? QUICK_EPOCHS : EPOCHS;
        double rate = 0.01;
        boolean epochsGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--quick")) {
                continue;
            }
            if (a.equals("-h") || a.equals("--help")) {
                throw new IllegalArgumentException(usage());
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value after " + a + "\n" + usage());
            }
            String v = args[++i];
            try {
                switch (a) {
                    case "--out" -> out = Path.of(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    case "--train" -> train = Integer.parseInt(v);
                    case "--test" -> test = Integer.parseInt(v);
                    case "--calibration" -> calibration = Integer.parseInt(v);
                    case "--epochs" -> {
                        epochs = Integer.parseInt(v);
                        epochsGiven = true;
                    }
                    case "--anomaly-rate" -> rate = Double.parseDouble(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number after " + a + ": " + v);
            }
        }
        return new QualityOptions(out, seed, train, test, calibration, epochs, rate, quick, epochsGiven);
    }

    static String usage() {
        return "usage: QualityBenchmark [--out DIR] [--seed N] [--train N] [--test N] [--calibration N]"
                + " [--epochs N] [--anomaly-rate X] [--quick]\n"
                + "  defaults: --out benchmarks/results --seed 42 --train " + TRAIN + " --test " + TEST
                + " --calibration " + CALIBRATION + " --epochs " + EPOCHS + " --anomaly-rate 0.01\n"
                + "  --quick:  --train " + QUICK_TRAIN + " --test " + QUICK_TEST + " --calibration "
                + QUICK_CALIBRATION + " --epochs " + QUICK_EPOCHS + " (explicit options still win)\n"
                + "  --epochs caps the fixed-size flows; the default flow (MAF_MOG) takes its epochs from the size"
                + " rule unless --epochs is given";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
