package io.normalcy.schemas.derived;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The derived features of a model and the one implementation that computes them: {@link #derive} is a pure
 * function (history, event) → (derived values, next history) that the trainer applies to each entity's history in
 * the order it reads it and the detector applies to each record in the order it consumes it, so a model is trained
 * on exactly the derived values it will score.
 *
 * <p>Rules, identical in both paths (docs/design.md, "Derived features"):
 * <ul>
 *   <li><b>Order.</b> An entity's history advances in arrival order (offset order in its partition, file order
 *   for a file), not in event-time order.</li>
 *   <li><b>Late and out-of-order events.</b> The entity's clock never goes backwards: time windows end at the
 *   latest event time seen (or the event's own time when newer), so a late event is compared with the current
 *   windows and does not move them back; {@code since_previous} is clamped at 0. The late event then joins the
 *   history like any other.</li>
 *   <li><b>Warm-up.</b> Missing history is filled as if the entity had been steady: with no previous event (or an
 *   empty window), a lag, mean, min and max are the current value, {@code diff}, {@code std},
 *   {@code since_previous} and {@code count} are 0, {@code ratio} is 1; a lag deeper than the history is the oldest
 *   value kept. Every event is scored; an entity's first events look normal rather than being skipped.</li>
 *   <li><b>Ratio.</b> x / previous, clamped to ±{@value #RATIO_CAP}; a zero previous value gives 1 when x is 0 too,
 *   else ±{@value #RATIO_CAP} with the sign of x. {@code std} is the population standard deviation (0 for one
 *   value).</li>
 * </ul>
 */
public final class DerivedFeatures {
    /** No derived features. */
    public static final DerivedFeatures NONE = new DerivedFeatures(List.of());
    /** Largest magnitude of a ratio (a ratio to a previous 0 is infinite; a flow needs finite inputs). */
    public static final double RATIO_CAP = 1e6;

    private final List<DerivedFeature> features;
    private final List<String> names;
    private final List<String> sources;
    private final int depth;
    private final long horizon;
    private final int historyHeaderBytes;

    private DerivedFeatures(List<DerivedFeature> features) {
        this.features = List.copyOf(features);
        this.names = features.stream().map(DerivedFeature::name).toList();
        Set<String> src = new TreeSet<>();
        int d = 0;
        long h = 0;
        for (DerivedFeature f : features) {
            if (f.source() != null) {
                src.add(f.source());
            }
            d = Math.max(d, f.events());
            h = Math.max(h, f.windowMillis());
            if (f.kind() == DerivedFeature.Kind.DIFF || f.kind() == DerivedFeature.Kind.RATIO
                    || f.kind() == DerivedFeature.Kind.SINCE_PREVIOUS) {
                d = Math.max(d, 1);
            }
        }
        this.sources = List.copyOf(src);
        this.historyHeaderBytes = HistoryLimit.headerBytes(this.sources);
        this.depth = d;
        this.horizon = h;
    }

    /**
     * @param names the derived features' names ({@link DerivedFeature#parse}); null or empty for none
     * @throws IllegalArgumentException for a name that is not a derived feature, or a duplicate
     */
    public static DerivedFeatures parse(List<String> names) {
        if (names == null || names.isEmpty()) {
            return NONE;
        }
        List<DerivedFeature> out = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String n : names) {
            DerivedFeature f = DerivedFeature.parse(n);
            if (!seen.add(f.name())) {
                throw new IllegalArgumentException("derived feature '" + f.name() + "' is declared twice");
            }
            out.add(f);
        }
        return new DerivedFeatures(out);
    }

    public boolean isEmpty() {
        return features.isEmpty();
    }

    public List<DerivedFeature> features() {
        return features;
    }

    /** The derived features' names, in declaration order: the model's feature columns after the raw ones. */
    public List<String> names() {
        return names;
    }

    /** The raw features the history keeps (sorted). */
    public List<String> sources() {
        return sources;
    }

    /** The derived values of one event and the entity's history after it. */
    public record Derivation(Map<String, Double> values, EntityHistory next) {
    }

    /**
     * Derives one event's features from its entity's history and appends the event to it.
     *
     * @param history   the entity's history, or null for an entity not seen yet (also used when the history lacks a
     *                  source this spec needs, e.g. after a model version added one: the entity warms up again)
     * @param eventTime the event's time (epoch ms)
     * @param raw       the event's raw features; every {@link #sources() source} must be present and finite
     * @throws IllegalArgumentException naming a source that is missing or not finite
     */
    public Derivation derive(EntityHistory history, long eventTime, Map<String, Double> raw) {
        return derive(history, eventTime, raw, HistoryLimit.DEFAULT);
    }

    /**
     * {@link #derive(EntityHistory, long, Map)} keeping at most what {@code limit} allows in the next history (the
     * detector's {@code normalcy.detector.history.*} settings; the trainer must derive with the same limit for the
     * values to match).
     */
    public Derivation derive(EntityHistory history, long eventTime, Map<String, Double> raw, HistoryLimit limit) {
        double[] current = new double[sources.size()];
        for (int j = 0; j < current.length; j++) {
            Double v = raw.get(sources.get(j));
            if (v == null || !Double.isFinite(v)) {
                throw new IllegalArgumentException("derived features need feature '" + sources.get(j) + "', which is "
                        + (v == null ? "missing" : "not finite (" + v + ")"));
            }
            current[j] = v;
        }
        List<EntityHistory.Event> past = aligned(history);
        long latest = history == null ? eventTime : Math.max(history.latestTime(), eventTime);
        Map<String, Double> values = new LinkedHashMap<>();
        for (DerivedFeature f : features) {
            int s = f.source() == null ? -1 : sources.indexOf(f.source());
            values.put(f.name(), value(f, past, s < 0 ? 0 : current[s], s, eventTime, latest));
        }
        return new Derivation(Collections.unmodifiableMap(values), next(past, eventTime, current, latest,
                limit.eventsWithin(sources, historyHeaderBytes)));
    }

    /** The history's events with values in this spec's source order; empty when a source is not stored. */
    private List<EntityHistory.Event> aligned(EntityHistory history) {
        if (history == null) {
            return List.of();
        }
        if (history.sources().equals(sources)) {
            return history.events();
        }
        int[] at = new int[sources.size()];
        for (int j = 0; j < at.length; j++) {
            at[j] = history.sources().indexOf(sources.get(j));
            if (at[j] < 0) {
                return List.of();
            }
        }
        List<EntityHistory.Event> out = new ArrayList<>(history.size());
        for (EntityHistory.Event e : history.events()) {
            double[] v = new double[at.length];
            for (int j = 0; j < at.length; j++) {
                v[j] = e.values()[at[j]];
            }
            out.add(new EntityHistory.Event(e.time(), v));
        }
        return out;
    }

    private static double value(DerivedFeature f, List<EntityHistory.Event> past, double x, int s, long t,
                                long latest) {
        int m = past.size();
        return switch (f.kind()) {
            case LAG -> m >= f.events() ? past.get(m - f.events()).values()[s] : m > 0 ? past.get(0).values()[s] : x;
            case DIFF -> m > 0 ? x - past.get(m - 1).values()[s] : 0;
            case RATIO -> m > 0 ? ratio(x, past.get(m - 1).values()[s]) : 1;
            case SINCE_PREVIOUS -> m > 0 ? Math.max(0L, t - past.get(m - 1).time()) / 1000.0 : 0;
            case COUNT -> window(f, past, latest).size();
            default -> statistic(f.kind(), window(f, past, latest), s, x);
        };
    }

    static double ratio(double x, double previous) {
        if (previous == 0) {
            return x == 0 ? 1 : Math.copySign(RATIO_CAP, x);
        }
        double r = x / previous;
        return Math.max(-RATIO_CAP, Math.min(RATIO_CAP, r));
    }

    /** The past events in the feature's window: the last n events, or those after {@code latest − window}. */
    private static List<EntityHistory.Event> window(DerivedFeature f, List<EntityHistory.Event> past, long latest) {
        if (!f.timeWindow()) {
            return past.subList(Math.max(0, past.size() - f.events()), past.size());
        }
        long from = latest - f.windowMillis();
        List<EntityHistory.Event> in = new ArrayList<>();
        for (EntityHistory.Event e : past) {
            if (e.time() > from) {
                in.add(e);
            }
        }
        return in;
    }

    private static double statistic(DerivedFeature.Kind kind, List<EntityHistory.Event> w, int s, double x) {
        if (w.isEmpty()) {
            return kind == DerivedFeature.Kind.STD ? 0 : x;
        }
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (EntityHistory.Event e : w) {
            double v = e.values()[s];
            sum += v;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        double mean = sum / w.size();
        return switch (kind) {
            case MEAN -> mean;
            case MIN -> min;
            case MAX -> max;
            default -> {
                double sq = 0;
                for (EntityHistory.Event e : w) {
                    double d = e.values()[s] - mean;
                    sq += d * d;
                }
                yield Math.sqrt(sq / w.size());
            }
        };
    }

    /**
     * The history after this event: the event appended, then only what a later event can read kept: the last
     * {@code depth} events and those inside the longest time window, at most {@code cap} (the newest ones:
     * {@link HistoryLimit}).
     */
    private EntityHistory next(List<EntityHistory.Event> past, long t, double[] current, long latest, int cap) {
        List<EntityHistory.Event> all = new ArrayList<>(past.size() + 1);
        all.addAll(past);
        all.add(new EntityHistory.Event(t, current));
        List<EntityHistory.Event> kept = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            boolean recent = all.size() - i <= depth;
            boolean inWindow = horizon > 0 && all.get(i).time() > latest - horizon;
            if (recent || inWindow) {
                kept.add(all.get(i));
            }
        }
        int drop = Math.max(0, kept.size() - cap);
        return new EntityHistory(sources, latest, kept.subList(drop, kept.size()));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DerivedFeatures d && d.names.equals(names);
    }

    @Override
    public int hashCode() {
        return Objects.hash(names);
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
