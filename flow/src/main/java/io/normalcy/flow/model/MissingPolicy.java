package io.normalcy.flow.model;

import java.util.Locale;

/**
 * What scoring does with a record that lacks one of the model's features (issue 12 item 4). Declared per feature in
 * the model definition and carried in the model, so every scoring path (detector, backfill, CLI) applies the same
 * rule. A feature is missing when it is absent from the record's feature map (a mapped topic: its path is absent or
 * JSON null); a value that is present but NaN or infinite is not missing but malformed, and stays a
 * {@link Reason#NON_FINITE_FEATURE} dead letter under every policy.
 */
public enum MissingPolicy {
    /** The record is refused ({@link Reason#MISSING_FEATURE}): the detector dead-letters it. The default. */
    DEAD_LETTER,
    /** The feature's held-out median is scored in its place, and the score names the feature as imputed. */
    IMPUTE,
    /** The record is not scored ({@link SkippedRecordException}): no score, no alert, no dead letter; counted. */
    SKIP;

    /** The configuration spelling: {@code dead-letter}, {@code impute}, {@code skip}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * From its configuration spelling (any case, '-' or '_').
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static MissingPolicy parse(String s) {
        String v = s == null ? "" : s.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (MissingPolicy p : values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not dead-letter, impute or skip");
    }
}
