package io.normalcy.bench.quality;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    /**
     * Parses {@code --out DIR --seed N --train N --test N --calibration N --epochs N --anomaly-rate X --quick} with
     * picocli (unknown options, missing and malformed values are picocli's errors, which name the option);
     * {@code --quick} changes the defaults, explicit options still win. A repeated option takes its last value:
     * {@link CalibrationFloor} appends {@code --seed} per seed to the options it was given.
     */
    public static QualityOptions parse(String... args) {
        Args a = new Args();
        try {
            new CommandLine(a).setOverwrittenOptionsAllowed(true).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + usage(), e);
        }
        if (a.help) {
            throw new IllegalArgumentException(usage());
        }
        return new QualityOptions(a.out, a.seed, or(a.train, a.quick ? QUICK_TRAIN : TRAIN),
                or(a.test, a.quick ? QUICK_TEST : TEST),
                or(a.calibration, a.quick ? QUICK_CALIBRATION : CALIBRATION),
                or(a.epochs, a.quick ? QUICK_EPOCHS : EPOCHS), a.anomalyRate, a.quick, a.epochs != null);
    }

    private static int or(Integer given, int otherwise) {
        return given != null ? given : otherwise;
    }

    /** The command line as picocli binds it; null where an option's default depends on {@code --quick}. */
    @Command(name = "QualityBenchmark")
    private static final class Args {
        @Option(names = "--out", paramLabel = "DIR")
        Path out = Path.of("benchmarks/results");
        @Option(names = "--seed")
        long seed = 42;
        @Option(names = "--train")
        Integer train;
        @Option(names = "--test")
        Integer test;
        @Option(names = "--calibration")
        Integer calibration;
        /** Null unless given: only a given {@code --epochs} caps the default flow too. */
        @Option(names = "--epochs")
        Integer epochs;
        @Option(names = "--anomaly-rate")
        double anomalyRate = 0.01;
        @Option(names = "--quick")
        boolean quick;
        @Option(names = {"-h", "--help"})
        boolean help;
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
