package io.normalcy.trainer.service;

/** A training that cannot succeed for a reason the requester should read (unknown model, empty window...). */
public final class TrainingFailure extends RuntimeException {
    public TrainingFailure(String message) {
        super(message);
    }
}
