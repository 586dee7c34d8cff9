package io.normalcy.bench.series;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded generator of operational series at 5-minute steps with labelled anomaly windows, standing in for the 58
 * real series (cloud metrics, traffic, ad-exchange, social volume) of the outside evaluation behind issue 13,
 * which are not available here. Each series has the messiness that broke the flow there: values on a grid (0.1 %
 * CPU, whole counts), long constant stretches, two-valued signals, heavy tails, bursts in the history and a
 * series that is constant at first. The kinds ({@link Kind}) are documented one by one.
 *
 * <p>Anomalies ({@link AnomalyKind}) are put into the <em>scored</em> part only (after {@code fitEnd}): the
 * methods fit on a history that holds only what normal history holds (the social series' ordinary bursts, the
 * memory series' restarts). Windows are labelled the NAB way: the series' window budget is 10 % of its length,
 * split evenly over its anomalies, each window centred on its anomaly (never shorter than the anomaly plus an
 * hour either side), so a detector is credited for flagging anywhere near the anomaly, not for hitting its exact
 * points. Every anomaly changes at least one value ({@link #place} redraws it otherwise), so a window never
 * labels a stretch that nothing distinguishes.
 */
public final class OpsSeries {
    /** 5 minutes, the step of the series. */
    public static final long STEP_MILLIS = 300_000L;
    /** Points per day at 5-minute steps. */
    public static final int DAY = 288;
    /** Monday 2026-01-05T00:00Z: the first point of every series (hour of day 0). */
    public static final long START_MILLIS = 1_767_571_200_000L;
    /** Share of a series' length that its windows cover together (NAB's rule). */
    public static final double WINDOW_BUDGET = 0.10;
    /** Anomalies per series. */
    public static final int ANOMALIES = 3;
    /** Points of normal data each window keeps at least on either side of its anomaly (one hour). */
    static final int MARGIN = 12;
    private static final int MAX_TRIES = 50;

    /** The kinds of operational series; each instance draws its own levels, amplitudes and noise from the seed. */
    public enum Kind {
        /** CPU %: base 15–40 plus a daily sine of amplitude 5–20 and AR(1) noise (σ 1–3), clamped to [0, 100] and
         *  quantised to 0.1 as agents report it. */
        CPU,
        /** Requests per 5 minutes: Poisson counts whose rate (30–300) swings ±60 % over the day; whole numbers. */
        REQUESTS,
        /** Latency in ms: a base of 40–120 ms that rises 30 % at the daily peak, log-normal noise (σ 0.25) and a
         *  Pareto(1.5) heavy right tail on 2 % of the points; quantised to 0.1 ms. */
        LATENCY,
        /** Disk used %: constant for hours to days, small steps up (0.5–2 points, about one a day), a clean-up back to
         *  about 50 % past 90 %; quantised to 0.1. Long constant stretches and rare steps. */
        DISK,
        /** An on/off signal (e.g. a batch fleet's instance count): exactly two values, high from about 08:00 to 18:00
         *  (start and end jitter ±1 h per day), low otherwise. */
        SWITCH,
        /** Social volume: Poisson counts with a rate of 3–20 and a daily swing, plus ordinary bursts in the history
         *  too (rate ×3–6 for 30 min–3 h, about one every two days). */
        SOCIAL,
        /** A CPU-like metric that reports a constant 0 for its first 10–25 % (a service not yet started), then varies
         *  as {@link #CPU}: the fit part mixes a long constant stretch with the real signal. */
        LATE_START,
        /** Memory MB: a sawtooth, growing 0.02–0.1 MB per step from a base of 500–1500 MB with noise, reset by a
         *  restart every 1–3 days at random times; whole MB. Resets happen in the history too. */
        MEMORY
    }

    /** Anomaly kinds; the magnitudes are in units of the clean fit part's spread. */
    public enum AnomalyKind {
        /** 1–3 points 4–8 spreads above (below for a quarter of the continuous series). */
        SPIKE,
        /** 2–5 hours shifted by 2–4 spreads, up or down. */
        LEVEL_SHIFT,
        /** 3–6 hours with added Gaussian noise of 2–3 times the point-to-point noise. */
        VARIANCE,
        /** 4–8 hours stuck at the value of the first point (a dead agent repeating its last reading). */
        FLATLINE,
        /** 6–12 hours of the values of 12 hours earlier: the daily pattern out of phase. */
        BROKEN_DAILY
    }

    /** One anomaly: points {@code [start, end)} of the series. */
    public record Anomaly(AnomalyKind kind, int start, int end) {
    }

    /** One labelled window, points {@code [start, end)} of the series. */
    public record Window(int start, int end) {
        public boolean contains(int t) {
            return t >= start && t < end;
        }
    }

    /**
     * One series: {@code values} (with anomalies) and {@code clean} (the same series without them), both already
     * quantised as the source reports them; the methods fit on {@code [0, fitEnd)} and are scored on
     * {@code [fitEnd, length)}.
     */
    public record Series(String name, Kind kind, long[] times, double[] values, double[] clean, int fitEnd,
                         List<Anomaly> anomalies, List<Window> windows) {
        public int length() {
            return values.length;
        }

        /** Index of the window that holds point {@code t}, or −1. */
        public int windowOf(int t) {
            for (int w = 0; w < windows.size(); w++) {
                if (windows.get(w).contains(t)) {
                    return w;
                }
            }
            return -1;
        }
    }

    private OpsSeries() {
    }

    /**
     * {@code count} series cycling through the kinds, lengths drawn from {@code [maxLength / 2, maxLength]},
     * series {@code i} from seed {@code seed + 7919·i} so that adding series leaves the first ones unchanged.
     */
    public static List<Series> generate(int count, int maxLength, double fitShare, long seed) {
        List<Series> out = new ArrayList<>(count);
        Kind[] kinds = Kind.values();
        for (int i = 0; i < count; i++) {
            long s = seed + 7919L * i;
            int length = maxLength / 2 + new Random(s).nextInt(maxLength - maxLength / 2 + 1);
            Kind kind = kinds[i % kinds.length];
            out.add(generate(String.format(java.util.Locale.ROOT, "%s-%d", kind.name().toLowerCase(
                    java.util.Locale.ROOT), i / kinds.length + 1), kind, length, fitShare, s));
        }
        return out;
    }

    /** One series of {@code kind}: the clean signal, then {@link #ANOMALIES} anomalies in the scored part. */
    public static Series generate(String name, Kind kind, int length, double fitShare, long seed) {
        if (length < 1000) {
            throw new IllegalArgumentException("a series needs at least 1000 points, got " + length);
        }
        Random rnd = new Random(seed);
        double[] clean = CleanSignals.of(kind, length, rnd);
        int fitEnd = (int) Math.round(length * fitShare);
        double spread = spread(clean, fitEnd);
        double noise = noise(clean, fitEnd);
        double[] values = clean.clone();
        List<Anomaly> anomalies = new ArrayList<>();
        List<Window> windows = new ArrayList<>();
        int scored = length - fitEnd;
        int slot = scored / ANOMALIES;
        int budget = (int) Math.round(WINDOW_BUDGET * length / ANOMALIES);
        for (int a = 0; a < ANOMALIES; a++) {
            int slotStart = fitEnd + a * slot;
            AnomalyKind ak = allowed(kind)[rnd.nextInt(allowed(kind).length)];
            Anomaly placed = place(kind, ak, values, clean, slotStart, slot, budget, spread, noise, rnd);
            anomalies.add(placed);
            windows.add(window(placed, budget, slotStart, slot));
        }
        long[] times = new long[length];
        for (int t = 0; t < length; t++) {
            times[t] = START_MILLIS + t * STEP_MILLIS;
        }
        return new Series(name, kind, times, values, clean, fitEnd, List.copyOf(anomalies), List.copyOf(windows));
    }

    /** The anomaly kinds that make sense for a series kind (no broken daily pattern where there is none). */
    static AnomalyKind[] allowed(Kind kind) {
        return switch (kind) {
            case CPU, LATE_START -> AnomalyKind.values();
            case REQUESTS -> new AnomalyKind[] {AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT, AnomalyKind.FLATLINE,
                AnomalyKind.BROKEN_DAILY};
            case LATENCY -> new AnomalyKind[] {AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT, AnomalyKind.VARIANCE};
            case DISK -> new AnomalyKind[] {AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT};
            case SWITCH -> new AnomalyKind[] {AnomalyKind.FLATLINE, AnomalyKind.BROKEN_DAILY,
                AnomalyKind.LEVEL_SHIFT};
            case SOCIAL -> new AnomalyKind[] {AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT, AnomalyKind.FLATLINE};
            case MEMORY -> new AnomalyKind[] {AnomalyKind.SPIKE, AnomalyKind.LEVEL_SHIFT, AnomalyKind.FLATLINE};
        };
    }

    /**
     * Draws the anomaly's length and position inside its slot (so that its window, centred on it, stays in the slot)
     * and writes it into {@code values}; redraws until it changes at least one value (a flatline on a constant
     * stretch would not), and falls back to a large spike after {@value #MAX_TRIES} tries.
     */
    static Anomaly place(Kind kind, AnomalyKind ak, double[] values, double[] clean, int slotStart, int slot,
                         int budget, double spread, double noise, Random rnd) {
        for (int attempt = 0; attempt <= MAX_TRIES; attempt++) {
            AnomalyKind k = attempt == MAX_TRIES ? AnomalyKind.SPIKE : ak;
            int duration = duration(k, rnd);
            int windowLength = Math.max(budget, duration + 2 * MARGIN);
            int room = slot - windowLength;
            if (room < 0) {
                throw new IllegalArgumentException("series too short for " + ANOMALIES + " windows of "
                        + windowLength + " points");
            }
            int start = slotStart + (windowLength - duration) / 2 + rnd.nextInt(room + 1);
            double[] changed = Anomalies.apply(kind, k, clean, start, duration, spread, noise,
                    attempt == MAX_TRIES ? 10 : 0, rnd);
            boolean differs = false;
            for (int t = start; t < start + duration; t++) {
                differs |= changed[t - start] != clean[t];
            }
            if (differs) {
                System.arraycopy(changed, 0, values, start, duration);
                return new Anomaly(k, start, start + duration);
            }
        }
        throw new IllegalStateException("unreachable: the fallback spike always changes a value");
    }

    /** The window of {@code budget} points (at least the anomaly plus a margin) centred on it, kept in its slot. */
    static Window window(Anomaly a, int budget, int slotStart, int slot) {
        int duration = a.end() - a.start();
        int length = Math.max(budget, duration + 2 * MARGIN);
        int start = a.start() - (length - duration) / 2;
        start = Math.max(slotStart, Math.min(start, slotStart + slot - length));
        return new Window(start, start + length);
    }

    private static int duration(AnomalyKind k, Random rnd) {
        return switch (k) {
            case SPIKE -> 1 + rnd.nextInt(3);
            case LEVEL_SHIFT -> 24 + rnd.nextInt(37);
            case VARIANCE -> 36 + rnd.nextInt(37);
            case FLATLINE -> 48 + rnd.nextInt(49);
            case BROKEN_DAILY -> 72 + rnd.nextInt(73);
        };
    }

    /** Standard deviation of the clean fit part, at least 0.5 (a constant history still gets visible anomalies). */
    static double spread(double[] clean, int fitEnd) {
        double mean = 0;
        for (int t = 0; t < fitEnd; t++) {
            mean += clean[t];
        }
        mean /= fitEnd;
        double ss = 0;
        for (int t = 0; t < fitEnd; t++) {
            ss += (clean[t] - mean) * (clean[t] - mean);
        }
        return Math.max(0.5, Math.sqrt(ss / fitEnd));
    }

    /** Point-to-point noise of the clean fit part: std of the first differences / √2, at least 0.5. */
    static double noise(double[] clean, int fitEnd) {
        double[] d = new double[fitEnd - 1];
        for (int t = 1; t < fitEnd; t++) {
            d[t - 1] = clean[t] - clean[t - 1];
        }
        return Math.max(0.5, spread(d, d.length) / Math.sqrt(2));
    }
}
