package io.normalcy.flow.model;

import java.util.List;

/**
 * log p(x | c) of one record in original units, and its per-feature decomposition (in
 * {@link NormalcyModel#featureNames()} order): for MAF with NATURAL ordering, contribution i is
 * log p(x_i | x_&lt;i, c) including feature i's preprocessing log-det terms. The contributions sum to
 * {@code logDensity} (up to rounding). {@code imputed} names the features the record lacked that were scored with
 * their held-out median ({@link MissingPolicy#IMPUTE}), in feature order; empty when none.
 */
public record Score(double logDensity, double[] contributions, List<String> imputed) {
    public Score {
        imputed = imputed == null ? List.of() : List.copyOf(imputed);
    }

    /** A score with nothing imputed. */
    public Score(double logDensity, double[] contributions) {
        this(logDensity, contributions, List.of());
    }
}
