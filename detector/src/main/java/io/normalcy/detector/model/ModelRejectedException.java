package io.normalcy.detector.model;

/**
 * A record of the models topic the detector refuses: {@link RejectionReason} classifies it (the tag of
 * {@code normalcy.models.rejected}), the message says what exactly is wrong.
 */
public final class ModelRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final RejectionReason reason;

    public ModelRejectedException(RejectionReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public RejectionReason reason() {
        return reason;
    }
}
