package io.normalcy.flow.state;

/**
 * A model record that must not be scored with: wrong format version, digest or signature mismatch, tensors that
 * do not match the spec, non-finite values, inconsistent features/context/thresholds. Models arrive from a
 * compacted topic that any producer could write to, so every check fails with a message naming the problem
 * instead of an exception deep in the kernel.
 */
public final class InvalidModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
