package io.normalcy.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import io.micronaut.web.router.MethodBasedRouteMatch;
import io.micronaut.web.router.RouteAttributes;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.TreeSet;

/**
 * 401 and 403 with a JSON body that says what is missing, in the services' error format ({@link ApiError}),
 * instead of Micronaut Security's generic one: 401 when no credential was presented or it was not accepted
 * (with {@code WWW-Authenticate}), 403 when the credential lacks the role the route needs (naming the role and the
 * principal's roles). Never echoes a presented key or token.
 */
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
public final class AuthorizationErrorHandler implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {
    /** Challenges for a 401: bearer JWTs and the API-key header. */
    public static final String CHALLENGE = "Bearer realm=\"normalcy\", ApiKey header=\"" + ApiKeyTokenReader.HEADER + "\"";

    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException exception) {
        String route = request.getMethodName() + " " + request.getPath();
        if (!exception.isForbidden()) {
            boolean presented = request.getHeaders().contains(ApiKeyTokenReader.HEADER)
                    || request.getHeaders().contains(HttpHeaders.AUTHORIZATION);
            String message = (presented ? "the API key or bearer token was not accepted" : "authentication required")
                    + " for " + route + ": send an API key in the " + ApiKeyTokenReader.HEADER
                    + " header or a JWT as 'Authorization: Bearer <token>'";
            return HttpResponse.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE)
                    .contentType(MediaType.APPLICATION_JSON_TYPE).body(ApiError.of(message));
        }
        Authentication a = exception.getAuthentication();
        String who = a == null ? "the caller" : "'" + a.getName() + "' (roles " + new TreeSet<>(a.getRoles()) + ")";
        String message = "forbidden: " + route + " " + required(request) + "; " + who + " does not have it";
        return HttpResponse.status(HttpStatus.FORBIDDEN).contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(ApiError.of(message));
    }

    private static String required(HttpRequest<?> request) {
        return RouteAttributes.getRouteMatch(request)
                .filter(m -> m instanceof MethodBasedRouteMatch<?, ?>)
                .flatMap(m -> ((MethodBasedRouteMatch<?, ?>) m).getValue(Secured.class, String[].class))
                .map(roles -> "needs role " + String.join(" or ", List.of(roles)))
                .orElse("needs the " + Roles.READ + " role, or is not open to any role");
    }
}
