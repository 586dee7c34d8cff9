package io.normalcy.detector.model;

import io.normalcy.flow.model.ModelProvenance;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.ThresholdLevel;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An accepted model version as held by the {@link ModelRegistry}: the immutable runtime model plus what the
 * operator and the drift monitor need. Immutable, so swapping one in is a single reference write.
 *
 * @param model              validated runtime model (thread-safe; scorers are created per stream task)
 * @param digestHex          hex SHA-256 digest of the model payload (ModelVersion.digest)
 * @param signatureAlgorithm algorithm of the verified signature, or null when signatures are not required
 * @param signingKeyId       id of the key that verified the signature, or null when signatures are not required
 * @param loadedAt           when this detector accepted the version
 * @param warningLevel       quantile level of the least severe threshold (expected alert rate), NaN if none
 * @param baselineMean       mean held-out log-density (−validationNll), NaN if unknown
 */
public record LoadedModel(NormalcyModel model, String digestHex, String signatureAlgorithm, Instant loadedAt,
                          double warningLevel, double baselineMean, String signingKeyId) {
    public LoadedModel {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(loadedAt, "loadedAt");
    }

    /** Derives the drift baselines from the model. */
    public static LoadedModel of(NormalcyModel model, String digestHex, String signatureAlgorithm, Instant loadedAt,
                                 String signingKeyId) {
        List<ThresholdLevel> levels = model.thresholds().levels();
        double warning = levels.isEmpty() ? Double.NaN : levels.get(0).level();
        ModelProvenance p = model.provenance();
        double baseline = p != null && p.validationCount() > 0 && Double.isFinite(p.validationNll())
                ? -p.validationNll() : Double.NaN;
        return new LoadedModel(model, digestHex, signatureAlgorithm, loadedAt, warning, baseline, signingKeyId);
    }

    public String name() {
        return model.name();
    }

    public long version() {
        return model.version();
    }
}
