package io.normalcy.flow.model;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a model came from: enough to reproduce or audit it (seed, data window, source offsets, configuration)
 * and to judge it (train/validation negative log-likelihood). Maps are copied, sorted by key (so digests are
 * deterministic) and unmodifiable.
 */
public record ModelProvenance(String trainerVersion, long seed, Long dataWindowStart, Long dataWindowEnd,
                              Map<String, Long> sourceOffsets, long recordCount, long skippedCount, double trainNll,
                              double validationNll, long validationCount, String backend, long createdAt,
                              Map<String, String> config) {
    public ModelProvenance {
        trainerVersion = trainerVersion == null ? "" : trainerVersion;
        backend = backend == null ? "" : backend;
        sourceOffsets = sourceOffsets == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(sourceOffsets));
        config = config == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(config));
    }
}
