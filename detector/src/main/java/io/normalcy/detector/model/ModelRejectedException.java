package io.normalcy.detector.model;

/**
 * A record of the models topic the detector refuses. {@code reason} is a short, low-cardinality code used as the
 * {@code reason} tag of {@code normalcy.models.rejected} (undecodable, invalid, signature, unknown-key; the
 * {@link ModelLedger} adds key-mismatch, duplicate-version, invalid-control, stale-control, unsigned-deletion); the
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
