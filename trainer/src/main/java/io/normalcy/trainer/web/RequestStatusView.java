package io.normalcy.trainer.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import io.normalcy.avro.TrainingStatus;

import java.time.Instant;

/**
 * Answer of {@code GET /models/{name}/requests/{requestId}}: the latest status of a retrain request this trainer
 * instance handled, the same fields as its newest record on normalcy.training-status (a JSON view: Avro records are
 * not the REST contract), so a caller of {@code POST /models/{name}/retrain} can poll without a Kafka consumer.
 */
@Serdeable
public record RequestStatusView(String requestId, String model, String state, @Nullable Integer epoch,
                                @Nullable Integer totalEpochs, @Nullable Double trainLoss,
                                @Nullable Double validationLoss, @Nullable Long publishedVersion, String message,
                                Instant updatedAt) {

    static RequestStatusView of(TrainingStatus s) {
        return new RequestStatusView(s.getRequestId(), s.getModel(), s.getState().name(), s.getEpoch(),
                s.getTotalEpochs(), s.getTrainLoss(), s.getValidationLoss(), s.getPublishedVersion(), s.getMessage(),
                s.getUpdatedAt());
    }
}
