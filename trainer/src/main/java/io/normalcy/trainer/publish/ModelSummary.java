package io.normalcy.trainer.publish;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * What {@code GET /models/{name}} shows about one published version: enough to compare versions (metrics,
 * data size, thresholds) without shipping the tensors.
 */
@Serdeable
public record ModelSummary(String model, long version, long createdAt, String flowType, List<String> features,
                           long recordCount, long skippedCount, long validationCount, double trainNll,
                           double validationNll, Long trainingMillis, Long dataWindowStart, Long dataWindowEnd,
                           String digest, String signatureAlgorithm, List<Level> thresholds,
                           Map<String, String> config) {

    /**
     * One level: {@code perContext} per categorical value, {@code perCombination} per combination of all
     * categorical fields with its own threshold (model format 5; empty for older models).
     */
    @Serdeable
    public record Level(double level, String severity, double global, long globalCount, List<Context> perContext,
                        List<Combination> perCombination) {
    }

    @Serdeable
    public record Context(String field, String value, double threshold, long count, boolean fallback) {
    }

    /** A combination threshold; {@code scope} as in scores and alerts, e.g. {@code entityType=grocery,region=eu}. */
    @Serdeable
    public record Combination(String scope, double threshold, long count, boolean fallback) {
    }
}
