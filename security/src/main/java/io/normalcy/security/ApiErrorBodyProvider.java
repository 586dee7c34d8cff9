package io.normalcy.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Errors the framework raises itself (a body that is not valid JSON, a missing parameter, an unknown route, a
 * method or media type the route does not take) in the services' {@link ApiError} shape instead of Micronaut's
 * HATEOAS {@code JsonError} ({@code _links}, {@code _embedded}): one error format per API. Framework messages
 * that name a parameter keep it as the field; the message is the first error's, else the status' reason.
 */
@Singleton
@Replaces(JsonErrorResponseBodyProvider.class)
public final class ApiErrorBodyProvider implements JsonErrorResponseBodyProvider<ApiError> {
    @Override
    public ApiError body(ErrorContext context, HttpResponse<?> response) {
        List<ApiError.FieldError> fields = context.getErrors().stream()
                .filter(e -> e.getPath().isPresent())
                .map(e -> new ApiError.FieldError(e.getPath().get(), e.getMessage()))
                .toList();
        String message = context.getErrors().stream().map(Error::getMessage).findFirst()
                .orElseGet(response::reason);
        return new ApiError(message, fields);
    }
}
