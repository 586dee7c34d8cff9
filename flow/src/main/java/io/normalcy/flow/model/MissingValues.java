package io.normalcy.flow.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A model's missing-value policies: for each feature that is not dead-lettered when missing, its
 * {@link MissingPolicy} and its median on the fit's calibration hold-out in original units (the value
 * {@link MissingPolicy#IMPUTE} scores with). Features without an entry are {@link MissingPolicy#DEAD_LETTER}, so
 * {@link #NONE} is the behaviour of every model before policies existed. Immutable.
 */
public final class MissingValues {
    /** No feature may be missing (every one is dead-lettered): the default. */
    public static final MissingValues NONE = new MissingValues(Map.of());

    /** One feature's policy and held-out median. */
    public record Entry(MissingPolicy policy, double median) {
        public Entry {
            Objects.requireNonNull(policy, "policy");
            if (policy == MissingPolicy.DEAD_LETTER) {
                throw new IllegalArgumentException("dead-letter is the default and has no entry");
            }
            if (!Double.isFinite(median)) {
                throw new IllegalArgumentException("the median must be finite, got " + median);
            }
        }
    }

    private final Map<String, Entry> entries;

    /** @param entries feature → policy (not DEAD_LETTER) and median; order kept */
    public MissingValues(Map<String, Entry> entries) {
        Map<String, Entry> copy = new LinkedHashMap<>();
        entries.forEach((f, e) -> copy.put(Objects.requireNonNull(f, "feature"), Objects.requireNonNull(e, f)));
        this.entries = Collections.unmodifiableMap(copy);
    }

    /** The entries by feature (features with policy DEAD_LETTER have none). */
    public Map<String, Entry> entries() {
        return entries;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The policy of {@code feature}: its entry's, else {@link MissingPolicy#DEAD_LETTER}. */
    public MissingPolicy policy(String feature) {
        Entry e = entries.get(feature);
        return e == null ? MissingPolicy.DEAD_LETTER : e.policy();
    }

    /** The held-out median of {@code feature}, NaN when it has no entry. */
    public double median(String feature) {
        Entry e = entries.get(feature);
        return e == null ? Double.NaN : e.median();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MissingValues m && m.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return "MissingValues" + entries;
    }
}
