package io.normalcy.schemas.derived;

/** Entity history bytes that cannot be read ({@link EntityHistory#fromBytes}); the message says why. */
public final class InvalidHistoryException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidHistoryException(String message) {
        super("invalid entity history: " + message);
    }
}
