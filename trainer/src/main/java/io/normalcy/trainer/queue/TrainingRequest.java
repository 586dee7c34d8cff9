package io.normalcy.trainer.queue;

import java.util.Map;

/**
 * One retrain request, whatever its source (the {@code normalcy.retrain} topic, REST or the CLI).
 *
 * @param windowStart inclusive epoch ms, null = now − the model's configured window
 * @param windowEnd   exclusive epoch ms, null = now
 * @param overrides   model parameters to change for this training only (keys as in configuration)
 */
public record TrainingRequest(String requestId, String model, String reason, Long windowStart, Long windowEnd,
                              Map<String, String> overrides, long receivedAt) {
    public TrainingRequest {
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        reason = reason == null ? "" : reason;
    }
}
