package io.normalcy.detector.model;

/**
 * A model version the detector refuses to serve. {@code reason} is a short, low-cardinality code used as the
 * {@code reason} tag of {@code normalcy.models.rejected} (undecodable, invalid, signature, name-mismatch); the
 * message says what exactly is wrong.
 */
public final class ModelRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String reason;

    public ModelRejectedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
