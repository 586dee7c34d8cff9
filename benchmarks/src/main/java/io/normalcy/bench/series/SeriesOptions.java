package io.normalcy.bench.series;

import java.nio.file.Path;
import java.util.List;

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

    /** Parses {@code --out DIR --seed N --series N --length N --fit-share X --rate X --epochs N --quick}. */
    public static SeriesOptions parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        Path out = Path.of("benchmarks/results/series");
        long seed = 42;
        int series = quick ? QUICK_SERIES : SERIES;
        int length = quick ? QUICK_LENGTH : LENGTH;
        double fitShare = FIT_SHARE;
        double rate = RATE;
        int epochs = quick ? QUICK_EPOCHS : 0;
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
                    case "--series" -> series = Integer.parseInt(v);
                    case "--length" -> length = Integer.parseInt(v);
                    case "--fit-share" -> fitShare = Double.parseDouble(v);
                    case "--rate" -> rate = Double.parseDouble(v);
                    case "--epochs" -> epochs = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number after " + a + ": " + v);
            }
        }
        return new SeriesOptions(out, seed, series, length, fitShare, rate, epochs, quick);
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
