package io.normalcy.flow.train;

/**
 * Training produced a non-finite loss, gradient or weight more often than
 * {@link TrainingOptions#maxRollbacks()} allowed, even after restoring the last good weights and halving
 * the learning rate each time. No model is returned in that case: a flow with non-finite weights would
 * score every record as NaN.
 */
public class TrainingDivergedException extends RuntimeException {
    /** With the cause (e.g. the trainer's own exception, re-thrown with a diagnosis of the data). */
    public TrainingDivergedException(String message, Throwable cause) {
        super(message, cause);
    }

    public TrainingDivergedException(String message) {
        super(message);
    }
}
