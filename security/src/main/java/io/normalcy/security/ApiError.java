package io.normalcy.security;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * The one JSON error body of both services' HTTP APIs: {@code message} says what went wrong in a sentence a person
 * can act on, {@code errors} names each offending field (dotted JSON path or query parameter, e.g.
 * {@code filter.entityPattern}; always present, {@code []} when the error is not about a field). Controllers return
 * it, the security layer answers 401/403 with it, and {@link ApiErrorBodyProvider} gives the framework's own errors (malformed JSON,
 * unknown route, wrong method or media type) the same shape, so a client parses every error one way. It lives in
 * this module because it is the HTTP layer both services share.
 */
@Serdeable
public record ApiError(String message, @JsonInclude(JsonInclude.Include.ALWAYS) List<FieldError> errors) {
    public ApiError {
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** One invalid field and why. */
    @Serdeable
    public record FieldError(String field, String message) {
    }

    public static ApiError of(String message) {
        return new ApiError(message, List.of());
    }

    /** {@code "<what>: <message 1>; <message 2>"} plus the field errors. */
    public static ApiError invalid(String what, List<FieldError> errors) {
        StringBuilder sb = new StringBuilder(what).append(": ");
        for (int i = 0; i < errors.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(errors.get(i).message());
        }
        return new ApiError(sb.toString(), errors);
    }
}
