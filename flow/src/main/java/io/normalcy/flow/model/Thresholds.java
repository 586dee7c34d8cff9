package io.normalcy.flow.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Calibrated alert thresholds on log p(x | c). A density below the {@code level}-quantile of held-out normal data
 * is rarer than {@code level} under the model, which is what an anomaly score should mean. Per-context
 * thresholds exist because densities of different contexts (e.g. countries) live on different scales; the
 * scope of a record at each level is the combination of its values of all categorical fields when that
 * combination has a threshold at that level ({@link ThresholdLevel#perCombination}, format 5), else the first
 * categorical field, in {@code scopeFields} (ContextSpec) order, whose value has a non-fallback threshold at that
 * level, else the global one. The combination comes first because a field's threshold is a mixture over the other
 * fields' values: one threshold per entity type applied to every region alerts ×0.78 in one region and ×1.2 in the
 * others even with the exact density (docs/benchmarks.md). Immutable and thread-safe.
 */
public final class Thresholds {
    private final List<ThresholdLevel> levels;
    private final List<String> scopeFields;
    /**
     * Per scope field: value → its scope string {@code "field=value"} and its own (non-fallback) threshold per level,
     * for every value with a per-context entry at some level. Built once per model version, so that evaluating an
     * event takes one lookup of each field's value here (not three per level and field) and builds no string.
     */
    private final List<Map<String, FieldValue>> byValue;
    /**
     * The combination thresholds as a tree keyed by the values of {@code scopeFields} in order (null without any):
     * an event finds its combination by one map lookup per field, without building a key, and the leaf holds the
     * scope string (built here, once per model version) and the entry of every level.
     */
    private final CombinationNode combinations;

    /** Marks a level resolved to the event's combination (field indexes are ≥ 0, global is −1). */
    private static final int COMBINATION = -2;

    /**
     * @param levels      the calibrated levels, any order (sorted here from least to most severe: decreasing level)
     * @param scopeFields categorical context fields in ContextSpec order
     */
    public Thresholds(List<ThresholdLevel> levels, List<String> scopeFields) {
        List<ThresholdLevel> sorted = new ArrayList<>(levels);
        sorted.sort(Comparator.comparingDouble(ThresholdLevel::level).reversed());
        for (int i = 1; i < sorted.size(); i++) {
            ThresholdLevel a = sorted.get(i - 1);
            ThresholdLevel b = sorted.get(i);
            if (a.level() == b.level()) {
                throw new IllegalArgumentException("duplicate threshold level " + a.level());
            }
            if (b.severity().compareTo(a.severity()) < 0) {
                throw new IllegalArgumentException("threshold level " + b.level() + " (" + b.severity()
                        + ") is rarer than level " + a.level() + " (" + a.severity() + ") but less severe");
            }
        }
        for (ThresholdLevel l : sorted) {
            for (String field : l.perContext().keySet()) {
                if (!scopeFields.contains(field)) {
                    throw new IllegalArgumentException("threshold level " + l.level()
                            + " has per-context thresholds for '" + field + "', not a categorical context field");
                }
            }
            l.perCombination().keySet().forEach(c -> checkCombination(l, c, scopeFields));
        }
        this.levels = List.copyOf(sorted);
        this.scopeFields = List.copyOf(scopeFields);
        this.byValue = FieldValue.index(this.levels, this.scopeFields);
        this.combinations = CombinationNode.build(this.levels);
    }

    /**
     * A combination threshold must name every categorical field in ContextSpec order: {@link #evaluate} looks the
     * event's combination up by those fields, so an entry keyed otherwise could never apply.
     */
    private static void checkCombination(ThresholdLevel l, ContextCombination c, List<String> scopeFields) {
        if (c.fields().equals(scopeFields)) {
            return;
        }
        for (String field : c.fields()) {
            if (!scopeFields.contains(field)) {
                throw new IllegalArgumentException("threshold level " + l.level() + " has a combination threshold ("
                        + c + ") for '" + field + "', not a categorical context field " + scopeFields);
            }
        }
        if (c.fields().size() != scopeFields.size()) {
            throw new IllegalArgumentException("threshold level " + l.level() + " has a combination threshold ("
                    + c + ") of " + c.fields().size() + " fields; a combination names all " + scopeFields.size()
                    + " categorical context fields " + scopeFields);
        }
        throw new IllegalArgumentException("threshold level " + l.level() + " has a combination threshold (" + c
                + ") whose fields are not in ContextSpec order " + scopeFields);
    }

    /** Thresholds with no levels: every record is NORMAL. */
    public static Thresholds none() {
        return new Thresholds(List.of(), List.of());
    }

    /** Sorted from least to most severe. */
    public List<ThresholdLevel> levels() {
        return levels;
    }

    public List<String> scopeFields() {
        return scopeFields;
    }

    /**
     * Most severe level whose threshold {@code logDensity} is below, with its scope and the event's
     * {@link #pValue}. The threshold of each level is that of the event's combination of all categorical fields when
     * it has one at that level (scope e.g. {@code "entityType=grocery,region=eu"}), else that of the first
     * categorical field, in {@code scopeFields} order, whose value has its own (non-fallback) threshold at that
     * level, else the global one: a context with enough held-out rows for the warning level but not for a rarer one
     * moves to the next field (then global) only at the rarer level. When none is crossed the result is NORMAL with
     * the least severe level's threshold (NaN when there are no levels). The levels' thresholds for the context are
     * looked up once and shared with the p-value.
     */
    public Evaluation evaluate(double logDensity, Map<String, String> context) {
        if (levels.isEmpty()) {
            return new Evaluation(Severity.NORMAL, Double.NaN, Double.NaN, "global", Double.NaN);
        }
        int n = levels.size();
        int[] fields = new int[n];
        double[] thresholds = new double[n];
        CombinationNode combination = resolve(context, fields, thresholds);
        double p = pValue(logDensity, thresholds);
        for (int i = n - 1; i >= 0; i--) {
            if (logDensity < thresholds[i]) {
                ThresholdLevel l = levels.get(i);
                return new Evaluation(l.severity(), thresholds[i], l.level(),
                        scope(fields[i], context, combination), p);
            }
        }
        return new Evaluation(Severity.NORMAL, thresholds[0], levels.get(0).level(),
                scope(fields[0], context, combination), p);
    }

    /**
     * The scope of the threshold {@link #evaluate} uses at {@code levels().get(index)} for {@code context}: for
     * reports and tests (it resolves every level; the scoring path calls {@link #evaluate}).
     */
    public String scope(int index, Map<String, String> context) {
        Objects.checkIndex(index, levels.size());
        int[] fields = new int[levels.size()];
        CombinationNode combination = resolve(context, fields, new double[levels.size()]);
        return scope(fields[index], context, combination);
    }

    /** The threshold {@link #evaluate} uses at {@code levels().get(index)} for {@code context} (see {@link #scope}). */
    public double threshold(int index, Map<String, String> context) {
        Objects.checkIndex(index, levels.size());
        double[] thresholds = new double[levels.size()];
        resolve(context, new int[levels.size()], thresholds);
        return thresholds[index];
    }

    /**
     * The scope (field index, {@link #COMBINATION} or −1 for global) and threshold of every level for
     * {@code context}, found once per event and shared by the severity and the p-value.
     *
     * @return the event's combination node (null when it has none)
     */
    private CombinationNode resolve(Map<String, String> context, int[] fields, double[] thresholds) {
        CombinationNode combination = combinations == null ? null : combinations.find(scopeFields, context);
        FieldValue[] values = fieldValues(context);
        for (int i = 0; i < levels.size(); i++) {
            ContextThreshold own = combination == null ? null : combination.byLevel[i];
            if (own != null && !own.fallback()) {
                fields[i] = COMBINATION;
                thresholds[i] = own.threshold();
                continue;
            }
            int f = scopeField(values, i);
            fields[i] = f;
            thresholds[i] = f < 0 ? levels.get(i).global() : values[f].own()[i].threshold();
        }
        return combination;
    }

    /** The context's entry of each scope field (null where its value has none); null for a null or empty context. */
    private FieldValue[] fieldValues(Map<String, String> context) {
        if (context == null || context.isEmpty()) {
            return null;
        }
        FieldValue[] out = new FieldValue[scopeFields.size()];
        for (int f = 0; f < out.length; f++) {
            String value = context.get(scopeFields.get(f));
            out[f] = value == null ? null : byValue.get(f).get(value);
        }
        return out;
    }

    /**
     * Calibrated tail probability P(ℓ' ≤ {@code logDensity}) for a normal event of this context ("1 in 1/p"),
     * derived from the stored thresholds, the same per level as {@link #evaluate} uses: log p is interpolated
     * linearly in ℓ between consecutive levels (q_i, t_i) — exact for an exponential tail, the limit law of
     * log-density tails, and what the fitted tails are shrunk towards — extrapolated below the rarest threshold
     * with the slope of the last pair (an exponential tail beyond the rarest level), and above the least severe
     * threshold with that of the first pair, capped at 1 (beyond the fitted tail this overstates p: a rough value
     * for events that are not alerts). Hence {@code pValue < q} exactly when the log-density is below the
     * level-q threshold. NaN with fewer than two levels (no slope) and when thresholds do not decrease with the
     * level. The stored format has no tail shape (GPD ξ, σ, u): a later format carrying them makes this the fitted
     * tail's own value ({@code LowerTail.pValue}).
     */
    public double pValue(double logDensity, Map<String, String> context) {
        if (Double.isNaN(logDensity) || levels.size() < 2) {
            return Double.NaN;
        }
        int n = levels.size();
        double[] thresholds = new double[n];
        resolve(context, new int[n], thresholds);
        return pValue(logDensity, thresholds);
    }

    /** {@link #pValue(double, Map)} given each level's threshold for the event's context. */
    private double pValue(double logDensity, double[] thresholds) {
        if (Double.isNaN(logDensity) || levels.size() < 2) {
            return Double.NaN;
        }
        // walk consecutive pairs (q_i, t_i), (q_{i+1}, t_{i+1}) from the least severe level
        double qPrev = Double.NaN;
        double tPrev = Double.NaN;
        double slope = Double.NaN;
        for (int i = 0; i < levels.size(); i++) {
            double t = thresholds[i];
            double q = levels.get(i).level();
            if (!Double.isNaN(tPrev)) {
                if (!(t < tPrev)) {
                    return Double.NaN;
                }
                slope = (Math.log(qPrev) - Math.log(q)) / (tPrev - t);
                if (logDensity == t) {
                    return q; // exactly, so that pValue < q agrees with "below the threshold" despite rounding
                }
                if (logDensity > t) {
                    return Math.min(1, qPrev * Math.exp(slope * (logDensity - tPrev)));
                }
            }
            qPrev = q;
            tPrev = t;
        }
        return qPrev * Math.exp(slope * (logDensity - tPrev));
    }

    /** Index in {@code scopeFields} of the first field whose value has its own threshold at level i, else −1. */
    private static int scopeField(FieldValue[] values, int i) {
        if (values == null) {
            return -1;
        }
        for (int f = 0; f < values.length; f++) {
            if (values[f] != null && values[f].own()[i] != null) {
                return f;
            }
        }
        return -1;
    }

    private String scope(int field, Map<String, String> context, CombinationNode combination) {
        if (field == COMBINATION) {
            return combination.scope;
        }
        if (field < 0) {
            return "global";
        }
        return byValue.get(field).get(context.get(scopeFields.get(field))).scope();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Thresholds t && t.levels.equals(levels) && t.scopeFields.equals(scopeFields);
    }

    @Override
    public int hashCode() {
        return levels.hashCode() * 31 + scopeFields.hashCode();
    }

    @Override
    public String toString() {
        return "Thresholds" + levels;
    }

    /**
     * One value of one scope field: its scope string and its own (non-fallback) threshold at each level (index as
     * {@link #levels}; null where it has none, so that level falls to the next field or global).
     */
    private record FieldValue(String scope, ContextThreshold[] own) {
        static List<Map<String, FieldValue>> index(List<ThresholdLevel> levels, List<String> scopeFields) {
            List<Map<String, FieldValue>> out = new ArrayList<>(scopeFields.size());
            for (String field : scopeFields) {
                Map<String, FieldValue> values = new HashMap<>();
                for (int i = 0; i < levels.size(); i++) {
                    for (Map.Entry<String, ContextThreshold> e
                            : levels.get(i).perContext().getOrDefault(field, Map.of()).entrySet()) {
                        FieldValue v = values.computeIfAbsent(e.getKey(),
                                k -> new FieldValue(field + "=" + k, new ContextThreshold[levels.size()]));
                        v.own()[i] = e.getValue().fallback() ? null : e.getValue();
                    }
                }
                out.add(values);
            }
            return List.copyOf(out);
        }
    }

    /**
     * One node of the combination tree: the children by the next field's value, or, at the depth of the last
     * field, the combination's scope string and its entry per level (index as {@link #levels}; null without one).
     */
    private static final class CombinationNode {
        private final Map<String, CombinationNode> children = new HashMap<>();
        private String scope;
        private ContextThreshold[] byLevel;

        /** The tree of every level's combination entries, or null when there are none. */
        static CombinationNode build(List<ThresholdLevel> levels) {
            CombinationNode root = null;
            for (int i = 0; i < levels.size(); i++) {
                for (Map.Entry<ContextCombination, ContextThreshold> e : levels.get(i).perCombination().entrySet()) {
                    if (root == null) {
                        root = new CombinationNode();
                    }
                    CombinationNode node = root;
                    for (String value : e.getKey().values()) {
                        node = node.children.computeIfAbsent(value, v -> new CombinationNode());
                    }
                    if (node.byLevel == null) {
                        node.scope = e.getKey().scope();
                        node.byLevel = new ContextThreshold[levels.size()];
                    }
                    node.byLevel[i] = e.getValue();
                }
            }
            return root;
        }

        /** The leaf of the context's values of {@code fields}, or null when the context lacks one or has none. */
        CombinationNode find(List<String> fields, Map<String, String> context) {
            if (context == null) {
                return null;
            }
            CombinationNode node = this;
            for (int f = 0; f < fields.size() && node != null; f++) {
                String value = context.get(fields.get(f));
                node = value == null ? null : node.children.get(value);
            }
            return node;
        }
    }
}
