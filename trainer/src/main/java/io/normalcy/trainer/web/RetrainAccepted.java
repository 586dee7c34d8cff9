package io.normalcy.trainer.web;

import io.micronaut.serde.annotation.Serdeable;

/** Answer of {@code POST /models/{name}/retrain}: follow {@code requestId} on normalcy.training-status. */
@Serdeable
public record RetrainAccepted(String requestId, String model, String admission) {
}
