package io.normalcy.detector.subscription;

import io.normalcy.security.ApiError;
import java.util.List;

/** A subscription request failed validation; carries every offending field (→ HTTP 400). */
public final class InvalidSubscriptionException extends RuntimeException {
    private final transient List<ApiError.FieldError> errors;

    public InvalidSubscriptionException(List<ApiError.FieldError> errors) {
        super(ApiError.invalid("invalid subscription", errors).message());
        this.errors = List.copyOf(errors);
    }

    public List<ApiError.FieldError> errors() {
        return errors;
    }
}
