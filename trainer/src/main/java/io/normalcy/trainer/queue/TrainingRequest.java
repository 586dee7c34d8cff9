package io.normalcy.trainer.queue;

import io.normalcy.avro.RetrainRequest;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * One retrain request, whatever its source (the {@code normalcy.retrain} topic, REST or the CLI).
 *
 * @param windowStart inclusive epoch ms, null = now − the model's configured window
 * @param windowEnd   exclusive epoch ms, null = now
 * @param overrides   model parameters to change for this training only (keys as in configuration)
 * @param receivedAt  when this trainer admitted it (epoch ms); orders requests resumed after a restart
 */
public record TrainingRequest(String requestId, String model, String reason, Long windowStart, Long windowEnd,
                              Map<String, String> overrides, long receivedAt) {
    public TrainingRequest {
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        reason = reason == null ? "" : reason;
    }

    /**
     * The request of a {@link RetrainRequest}: {@code maxRecords} becomes the {@code max-records} override unless
     * the overrides have one, a null override value the empty string.
     */
    public static TrainingRequest from(RetrainRequest r, long receivedAt) {
        Map<String, String> overrides = new HashMap<>();
        r.getOverrides().forEach((k, v) -> overrides.put(k.toString(), v == null ? "" : v.toString()));
        if (r.getMaxRecords() != null) {
            overrides.putIfAbsent("max-records", r.getMaxRecords().toString());
        }
        return new TrainingRequest(r.getRequestId(), r.getModel(), r.getReason(),
                r.getWindowStart() == null ? null : r.getWindowStart().toEpochMilli(),
                r.getWindowEnd() == null ? null : r.getWindowEnd().toEpochMilli(), overrides, receivedAt);
    }

    /**
     * This request as a {@link RetrainRequest} ({@code requestedAt} = {@link #receivedAt}), the form in which it is
     * kept with its status so that a restarted trainer can run it again: {@code from(toRetrainRequest(), t)}
     * gives back an equal request.
     */
    public RetrainRequest toRetrainRequest() {
        return RetrainRequest.newBuilder().setRequestId(requestId).setModel(model).setReason(reason)
                .setRequestedAt(Instant.ofEpochMilli(receivedAt))
                .setWindowStart(windowStart == null ? null : Instant.ofEpochMilli(windowStart))
                .setWindowEnd(windowEnd == null ? null : Instant.ofEpochMilli(windowEnd))
                .setOverrides(new HashMap<>(overrides)).build();
    }
}
