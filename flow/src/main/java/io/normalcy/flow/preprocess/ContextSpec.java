package io.normalcy.flow.preprocess;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How the conditioning context c is encoded, recorded in the model ({@code docs/design.md}), in this order:
 * categorical fields one-hot over the training vocabulary plus a final <em>unknown</em> slot (an unseen
 * value must still be scorable); cyclic fields as (sin 2πv/P, cos 2πv/P), so 23:00 and 00:00 are
 * neighbours; numeric fields standardised with the training mean/std.
 *
 * @param categorical categorical fields
 * @param cyclic      cyclic fields
 * @param numeric     numeric fields
 */
public record ContextSpec(List<CategoricalField> categorical, List<CyclicField> cyclic, List<NumericField> numeric) {
    /** Cyclic source: hour of day of the event time in UTC, fractional (0 ≤ v &lt; 24). */
    public static final String HOUR_OF_DAY = "@hourOfDay";
    /** Cyclic source: ISO day of week of the event time in UTC, Monday = 0 … Sunday = 6. */
    public static final String DAY_OF_WEEK = "@dayOfWeek";

    /**
     * @param name       context field name
     * @param vocabulary known values, each one-hot slot in this order (the unknown slot follows)
     */
    public record CategoricalField(String name, List<String> vocabulary) {
        public CategoricalField {
            requireName(name, "categorical");
            if (vocabulary == null) {
                throw new IllegalArgumentException("categorical context field '" + name + "' needs a vocabulary");
            }
            vocabulary = List.copyOf(vocabulary);
            if (new HashSet<>(vocabulary).size() != vocabulary.size()) {
                throw new IllegalArgumentException("categorical context field '" + name + "' has duplicate values");
            }
        }
    }

    /**
     * @param name   name of the encoded pair
     * @param source numeric context field name, or {@link #HOUR_OF_DAY} / {@link #DAY_OF_WEEK}
     * @param period period P (e.g. 24, 7), finite and &gt; 0
     */
    public record CyclicField(String name, String source, double period) {
        public CyclicField {
            requireName(name, "cyclic");
            if (source == null || source.isEmpty()) {
                throw new IllegalArgumentException("cyclic context field '" + name + "' needs a source");
            }
            if (isCalendarSource(source) && !source.equals(HOUR_OF_DAY) && !source.equals(DAY_OF_WEEK)) {
                throw new IllegalArgumentException("cyclic context field '" + name + "': unknown calendar source '"
                        + source + "' (use " + HOUR_OF_DAY + " or " + DAY_OF_WEEK + ")");
            }
            if (!(period > 0) || Double.isInfinite(period)) {
                throw new IllegalArgumentException("cyclic context field '" + name + "': period must be finite and > 0, got "
                        + period);
            }
        }
    }

    /** Numeric field standardised as (v − mean) / std. */
    public record NumericField(String name, double mean, double std) {
        public NumericField {
            requireName(name, "numeric");
            if (!Double.isFinite(mean) || !(std > 0) || Double.isInfinite(std)) {
                throw new IllegalArgumentException("numeric context field '" + name + "' needs a finite mean and a "
                        + "finite std > 0, got mean=" + mean + " std=" + std);
            }
        }
    }

    public ContextSpec {
        categorical = categorical == null ? List.of() : List.copyOf(categorical);
        cyclic = cyclic == null ? List.of() : List.copyOf(cyclic);
        numeric = numeric == null ? List.of() : List.copyOf(numeric);
        Set<String> names = new HashSet<>();
        for (CategoricalField f : categorical) {
            unique(names, f.name());
        }
        for (CyclicField f : cyclic) {
            unique(names, f.name());
        }
        for (NumericField f : numeric) {
            unique(names, f.name());
        }
    }

    /**
     * Whether a cyclic source is a calendar part of the event time ({@code @}-prefixed, e.g. {@link #HOUR_OF_DAY})
     * rather than a numeric context field read from the record. The one place this rule lives: the fitter, the
     * scorer, the CLIs, the trainer's history readers and the detector's slimming all ask here.
     */
    public static boolean isCalendarSource(String source) {
        return source != null && source.startsWith("@");
    }

    /**
     * The default field of a calendar source: {@link #HOUR_OF_DAY} → {@code hourOfDay} with period 24,
     * {@link #DAY_OF_WEEK} → {@code dayOfWeek} with period 7; empty for any other name (callers word the error
     * for their syntax).
     */
    public static Optional<CyclicField> calendarField(String source) {
        if (HOUR_OF_DAY.equals(source)) {
            return Optional.of(new CyclicField("hourOfDay", HOUR_OF_DAY, 24));
        }
        if (DAY_OF_WEEK.equals(source)) {
            return Optional.of(new CyclicField("dayOfWeek", DAY_OF_WEEK, 7));
        }
        return Optional.empty();
    }

    /**
     * Numeric context keys a record must carry for these fields: the sources of cyclic fields that are not
     * calendar parts, then the numeric fields, each once, in that order.
     */
    public static List<String> numericSources(List<CyclicField> cyclic, List<String> numeric) {
        List<String> out = new ArrayList<>();
        for (CyclicField c : cyclic) {
            if (!isCalendarSource(c.source()) && !out.contains(c.source())) {
                out.add(c.source());
            }
        }
        for (String n : numeric) {
            if (!out.contains(n)) {
                out.add(n);
            }
        }
        return out;
    }

    /** {@link #numericSources(List, List)} of this spec. */
    public List<String> numericSources() {
        return numericSources(cyclic, numeric.stream().map(NumericField::name).toList());
    }

    /** Calendar sources of this spec's cyclic fields (empty: the model does not need the event time). */
    public List<String> calendarSources() {
        return cyclic.stream().map(CyclicField::source).filter(ContextSpec::isCalendarSource).toList();
    }

    /** Context keys a record must carry: the categorical field names, then {@link #numericSources()}. */
    public List<String> recordKeys() {
        List<String> keys = new ArrayList<>();
        categorical.forEach(f -> keys.add(f.name()));
        keys.addAll(numericSources());
        return keys;
    }

    /** No context (C = 0). */
    public static ContextSpec empty() {
        return new ContextSpec(List.of(), List.of(), List.of());
    }

    /** Length C of the encoded vector. */
    public int dimension() {
        int n = 2 * cyclic.size() + numeric.size();
        for (CategoricalField f : categorical) {
            n += f.vocabulary().size() + 1;
        }
        return n;
    }

    /** A readable name per encoded slot, e.g. {@code region=eu}, {@code region=<unknown>}, {@code hour.sin}. */
    public List<String> dimensionNames() {
        List<String> n = new ArrayList<>(dimension());
        for (CategoricalField f : categorical) {
            for (String v : f.vocabulary()) {
                n.add(f.name() + "=" + v);
            }
            n.add(f.name() + "=<unknown>");
        }
        for (CyclicField f : cyclic) {
            n.add(f.name() + ".sin");
            n.add(f.name() + ".cos");
        }
        for (NumericField f : numeric) {
            n.add(f.name());
        }
        return n;
    }

    /**
     * Fits vocabularies and numeric statistics from training rows. Vocabulary = the {@code maxVocabulary}
     * most frequent values (ties by value), so rare values share the unknown slot. Rows lacking a
     * categorical value are skipped for that field; every row must hold every numeric field.
     *
     * @param categoricalFields names of categorical fields
     * @param cyclic            cyclic fields (fixed, nothing to fit)
     * @param numericFields     names of numeric fields to standardise
     * @param categoricalRows   per training row, field → value (may be null when there are no categorical fields)
     * @param numericRows       per training row, field → value (may be null when there are no numeric fields)
     * @param maxVocabulary     vocabulary size cap per field (≥ 0)
     */
    public static ContextSpec fit(List<String> categoricalFields, List<CyclicField> cyclic, List<String> numericFields,
                                  List<Map<String, String>> categoricalRows, List<Map<String, Double>> numericRows,
                                  int maxVocabulary) {
        if (maxVocabulary < 0) {
            throw new IllegalArgumentException("maxVocabulary must be >= 0, got " + maxVocabulary);
        }
        List<CategoricalField> cats = new ArrayList<>();
        for (String field : categoricalFields == null ? List.<String>of() : categoricalFields) {
            Map<String, Integer> counts = new HashMap<>();
            if (categoricalRows != null) {
                for (Map<String, String> row : categoricalRows) {
                    String v = row == null ? null : row.get(field);
                    if (v != null) {
                        counts.merge(v, 1, Integer::sum);
                    }
                }
            }
            List<String> vocab = counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(maxVocabulary)
                    .map(Map.Entry::getKey)
                    .toList();
            cats.add(new CategoricalField(field, vocab));
        }
        List<NumericField> nums = new ArrayList<>();
        for (String field : numericFields == null ? List.<String>of() : numericFields) {
            if (numericRows == null || numericRows.size() < 2) {
                throw new IllegalArgumentException("numeric context field '" + field + "' needs at least 2 rows");
            }
            double sum = 0;
            double sumSq = 0;
            int n = 0;
            for (Map<String, Double> row : numericRows) {
                Double v = row == null ? null : row.get(field);
                if (v == null || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("numeric context field '" + field + "' is missing or not "
                            + "finite in training row " + n + ": " + v);
                }
                sum += v;
                n++;
            }
            double mean = sum / n;
            for (Map<String, Double> row : numericRows) {
                double t = row.get(field) - mean;
                sumSq += t * t;
            }
            double std = Math.sqrt(sumSq / n);
            if (!(std > 1e-12 * Math.max(1, Math.abs(mean)))) {
                std = 1.0;
            }
            nums.add(new NumericField(field, mean, std));
        }
        return new ContextSpec(cats, cyclic, nums);
    }

    private static void requireName(String name, String kind) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException(kind + " context field name must not be empty");
        }
    }

    private static void unique(Set<String> names, String name) {
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate context field name '" + name + "'");
        }
    }
}
