package io.normalcy.bench.series;

import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Settings of one series run. The defaults keep a full run (two small flow fits per series, 16 series) near ten
 * minutes on two shared cores; {@code --quick} runs one series per kind, shorter, with at most 20 epochs.
 *
 * @param out       directory for {@code series.md} and {@code series.csv}
 * @param seed      seed of the generator (series i uses seed + 7919·i) and of every model
 * @param series    number of series, cycling through the {@link OpsSeries.Kind}s
 * @param length    longest series in points (5-minute steps); lengths are drawn from [length / 2, length]
 * @param fitShare  share of each series the methods fit on (no anomalies there); the rest is scored
 * @param rate      false-alarm rate on points outside windows that sets the window-recall threshold
 * @param epochs    cap on the flows' epochs, 0 = {@code SizeRule}'s (what a user gets)
 * @param quick     true when {@code --quick} chose the sizes
 */
public record SeriesOptions(Path out, long seed, int series, int length, double fitShare, double rate, int epochs,
                            boolean quick) {
    static final int SERIES = 16;
    static final int LENGTH = 7000;
    static final int QUICK_SERIES = 8;
    static final int QUICK_LENGTH = 4000;
    static final int QUICK_EPOCHS = 20;
    static final double FIT_SHARE = 0.4;
    static final double RATE = 0.005;
    /** Scored points each anomaly needs: the longest anomaly (12 hours) plus its window's margins. */
    static final int MIN_SLOT = 144 + 2 * OpsSeries.MARGIN;

    public SeriesOptions {
        require(series >= 1 && series <= 200, "--series must be in [1, 200], got " + series);
        require(length >= 2000 && length <= 100_000, "--length must be in [2000, 100000], got " + length);
        require(fitShare >= 0.2 && fitShare <= 0.8, "--fit-share must be in [0.2, 0.8], got " + fitShare);
        require(rate > 0 && rate < 0.1, "--rate must be in (0, 0.1), got " + rate);
        require(epochs >= 0, "--epochs must be >= 0 (0 = the size rule's), got " + epochs);
        require((1 - fitShare) * (length / 2) / OpsSeries.ANOMALIES >= MIN_SLOT, String.format(java.util.Locale.ROOT,
                "--length %d with --fit-share %s leaves the shortest series too few scored points for %d anomaly"
                        + " windows of up to %d points", length, fitShare, OpsSeries.ANOMALIES, MIN_SLOT));
    }

    /**
     * Parses {@code --out DIR --seed N --series N --length N --fit-share X --rate X --epochs N --quick} with picocli
     * (unknown options, missing and malformed values are picocli's errors, which name the option); {@code --quick}
     * changes the defaults, explicit options still win.
     */
    public static SeriesOptions parse(String... args) {
        Args a = new Args();
        try {
            new CommandLine(a).parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException(e.getMessage() + "\n" + usage(), e);
        }
        if (a.help) {
            throw new IllegalArgumentException(usage());
        }
        return new SeriesOptions(a.out, a.seed, or(a.series, a.quick ? QUICK_SERIES : SERIES),
                or(a.length, a.quick ? QUICK_LENGTH : LENGTH), a.fitShare, a.rate,
                or(a.epochs, a.quick ? QUICK_EPOCHS : 0), a.quick);
    }

    private static int or(Integer given, int otherwise) {
        return given != null ? given : otherwise;
    }

    /** The command line as picocli binds it; null where an option's default depends on {@code --quick}. */
    @Command(name = "SeriesBenchmark")
    private static final class Args {
        @Option(names = "--out", paramLabel = "DIR")
        Path out = Path.of("benchmarks/results/series");
        @Option(names = "--seed")
        long seed = 42;
        @Option(names = "--series")
        Integer series;
        @Option(names = "--length")
        Integer length;
        @Option(names = "--fit-share")
        double fitShare = FIT_SHARE;
        @Option(names = "--rate")
        double rate = RATE;
        @Option(names = "--epochs")
        Integer epochs;
        @Option(names = "--quick")
        boolean quick;
        @Option(names = {"-h", "--help"})
        boolean help;
    }

    static String usage() {
        return "usage: SeriesBenchmark [--out DIR] [--seed N] [--series N] [--length N] [--fit-share X] [--rate X]"
                + " [--epochs N] [--quick]\n"
                + "  defaults: --out benchmarks/results/series --seed 42 --series " + SERIES + " --length " + LENGTH
                + " --fit-share " + FIT_SHARE + " --rate " + RATE + " --epochs 0 (the size rule's)\n"
                + "  --quick:  --series " + QUICK_SERIES + " --length " + QUICK_LENGTH + " --epochs " + QUICK_EPOCHS
                + " (explicit options still win)";
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
