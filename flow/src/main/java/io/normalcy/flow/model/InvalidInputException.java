package io.normalcy.flow.model;

import java.util.Objects;

/**
 * A record that cannot be scored. Carries a machine-readable {@link Reason} (for dead-letter routing and
 * metrics) and a message naming the offending feature or context field, so operators can fix the producer.
 */
public class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Reason reason;

    public InvalidInputException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
