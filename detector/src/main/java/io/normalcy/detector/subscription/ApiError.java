package io.normalcy.detector.subscription;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/**
 * Error body of the subscriptions API: {@code message} summarises, {@code errors} names each offending field
 * (dotted JSON path, e.g. {@code filter.entityPattern}).
 */
@Serdeable
public record ApiError(String message, List<FieldError> errors) {

    @Serdeable
    public record FieldError(String field, String message) {
    }

    public static ApiError of(String message) {
        return new ApiError(message, List.of());
    }

    public static ApiError of(List<FieldError> errors) {
        StringBuilder sb = new StringBuilder("invalid subscription: ");
        for (int i = 0; i < errors.size(); i++) {
            sb.append(i == 0 ? "" : "; ").append(errors.get(i).message());
        }
        return new ApiError(sb.toString(), List.copyOf(errors));
    }
}
