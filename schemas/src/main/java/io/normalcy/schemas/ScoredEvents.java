package io.normalcy.schemas;

import io.normalcy.avro.ScoredEvent;

import java.util.AbstractList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * Reading and writing the per-feature terms of a {@link ScoredEvent}.
 *
 * <p>Why: from ScoredEvent v3 the detector writes the terms as {@code contributionTerms}, a float array in the
 * model version's feature order, instead of the v1/v2 {@code contributions} map from feature name to term. The
 * names are fixed per model version ({@code ModelVersion.features[i].name} of the record's {@code model} and
 * {@code modelVersion}), so repeating D strings in every score was the largest part of encoding it. A reader that
 * wants names joins them once per model version; {@link #contributions} does that for both generations of records.
 */
public final class ScoredEvents {
    private ScoredEvents() {
    }

    /**
     * Feature name → term of {@code e}: from {@code contributionTerms} with the feature names of the model version
     * that scored it (v3 records), or the {@code contributions} map of records written before v3. Empty when the
     * detector sent no contributions for this score.
     *
     * @param featureNames the feature names of {@code e}'s model version, in order (ModelVersion.features)
     * @throws IllegalArgumentException when the record has terms but not one per name: the names belong to another
     *                                  model version
     */
    public static Map<String, Double> contributions(ScoredEvent e, List<String> featureNames) {
        List<Float> terms = e.getContributionTerms();
        if (terms == null || terms.isEmpty()) {
            return e.getContributions() == null ? Map.of() : Collections.unmodifiableMap(e.getContributions());
        }
        if (terms.size() != featureNames.size()) {
            throw new IllegalArgumentException("score of " + e.getModel() + " v" + e.getModelVersion() + " has "
                    + terms.size() + " contribution terms but " + featureNames.size() + " feature names were given "
                    + "(names of another model version?)");
        }
        Map<String, Double> out = new LinkedHashMap<>(featureNames.size() * 2);
        for (int i = 0; i < terms.size(); i++) {
            out.put(featureNames.get(i), (double) terms.get(i));
        }
        return out;
    }

    /**
     * The terms as a {@code contributionTerms} value: a float32 copy of {@code terms} in a list that boxes an element
     * only when the Avro encoder reads it (no {@code Float} objects are kept, one array is allocated).
     */
    public static List<Float> terms(double[] terms) {
        float[] f = new float[terms.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) terms[i];
        }
        return new FloatList(f);
    }

    /** An unmodifiable list view of a float array. */
    private static final class FloatList extends AbstractList<Float> implements RandomAccess {
        private final float[] values;

        FloatList(float[] values) {
            this.values = values;
        }

        @Override
        public Float get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
