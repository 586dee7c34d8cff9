package io.normalcy.flow.preprocess;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes one record's context into the flow's conditioning vector according to a {@link ContextSpec}.
 * Vocabulary lookups are precomputed hash maps; {@link #encode(Map, Map, long, double[])} writes into a
 * caller buffer so the scoring path need not allocate. Immutable and thread-safe.
 */
public final class ContextEncoder {
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final double MILLIS_PER_HOUR = 3_600_000.0;

    private final ContextSpec spec;
    private final List<ContextSpec.CategoricalField> categorical;
    private final List<ContextSpec.CyclicField> cyclic;
    private final List<ContextSpec.NumericField> numeric;
    private final Map<String, Integer>[] vocab;
    private final int dimension;

    @SuppressWarnings("unchecked")
    public ContextEncoder(ContextSpec spec) {
        this.spec = spec;
        this.categorical = spec.categorical();
        this.cyclic = spec.cyclic();
        this.numeric = spec.numeric();
        this.vocab = new Map[categorical.size()];
        for (int f = 0; f < vocab.length; f++) {
            List<String> v = categorical.get(f).vocabulary();
            Map<String, Integer> m = new HashMap<>(v.size() * 2);
            for (int i = 0; i < v.size(); i++) {
                m.put(v.get(i), i);
            }
            vocab[f] = m;
        }
        this.dimension = spec.dimension();
    }

    public ContextSpec spec() {
        return spec;
    }

    /** Length C of the encoded vector. */
    public int dimension() {
        return dimension;
    }

    /** Allocating convenience form of {@link #encode(Map, Map, long, double[])}. */
    public double[] encode(Map<String, String> categoricalValues, Map<String, Double> numericValues,
                           long eventTimeMillis) {
        double[] out = new double[dimension];
        encode(categoricalValues, numericValues, eventTimeMillis, out);
        return out;
    }

    /**
     * Writes the encoded context into {@code out} (length {@link #dimension()}). A missing or unseen
     * categorical value selects the unknown slot.
     *
     * @param categoricalValues field → value (nullable)
     * @param numericValues     field → value (nullable when no numeric value is needed)
     * @param eventTimeMillis   event time, epoch millis; calendar parts are taken in UTC
     * @throws IllegalArgumentException naming the field when a needed numeric value is missing or not finite
     */
    public void encode(Map<String, String> categoricalValues, Map<String, Double> numericValues,
                       long eventTimeMillis, double[] out) {
        if (out == null || out.length != dimension) {
            throw new IllegalArgumentException("context buffer must have length " + dimension);
        }
        int pos = 0;
        for (int f = 0; f < vocab.length; f++) {
            int size = categorical.get(f).vocabulary().size() + 1;
            for (int i = 0; i < size; i++) {
                out[pos + i] = 0.0;
            }
            String v = categoricalValues == null ? null : categoricalValues.get(categorical.get(f).name());
            Integer idx = v == null ? null : vocab[f].get(v);
            out[pos + (idx == null ? size - 1 : idx)] = 1.0;
            pos += size;
        }
        for (ContextSpec.CyclicField f : cyclic) {
            double v = switch (f.source()) {
                case ContextSpec.HOUR_OF_DAY -> Math.floorMod(eventTimeMillis, MILLIS_PER_DAY) / MILLIS_PER_HOUR;
                case ContextSpec.DAY_OF_WEEK -> Math.floorMod(Math.floorDiv(eventTimeMillis, MILLIS_PER_DAY) + 3, 7L);
                default -> numericValue(numericValues, f.source(), "cyclic context field '" + f.name() + "'");
            };
            double angle = 2 * Math.PI * v / f.period();
            out[pos++] = Math.sin(angle);
            out[pos++] = Math.cos(angle);
        }
        for (ContextSpec.NumericField f : numeric) {
            double v = numericValue(numericValues, f.name(), "numeric context field");
            out[pos++] = (v - f.mean()) / f.std();
        }
    }

    private static double numericValue(Map<String, Double> values, String name, String what) {
        Double v = values == null ? null : values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing numeric context value '" + name + "' (needed by " + what + ")");
        }
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException("numeric context value '" + name + "' is not finite: " + v);
        }
        return v;
    }
}
