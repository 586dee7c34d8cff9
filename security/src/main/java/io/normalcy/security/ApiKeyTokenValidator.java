package io.normalcy.security;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

import java.util.List;
import java.util.Map;

/**
 * Authenticates a request whose token (from {@link ApiKeyTokenReader}, or any other reader) is a configured API
 * key: the principal is the key's name, the roles are its configured roles, attribute {@value #CREDENTIAL} is
 * {@code api-key}. The presented key is hashed and compared with every configured digest in constant time, without
 * stopping at the first match, so neither the comparison nor the number of keys tried reveals how close a guess
 * was. Anything else gives an empty result, so the other validators (JWT) still get their turn.
 */
@Singleton
public final class ApiKeyTokenValidator implements TokenValidator<HttpRequest<?>> {
    /** Authentication attribute naming the kind of credential. */
    public static final String CREDENTIAL = "credential";

    private final List<ApiKey> keys;

    ApiKeyTokenValidator(SecuritySettings settings) {
        this.keys = settings.apiKeys();
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        ApiKey match = find(token);
        return match == null ? Publishers.empty()
                : Publishers.just(Authentication.build(match.name(), List.copyOf(match.roles()),
                        Map.of(CREDENTIAL, "api-key")));
    }

    ApiKey find(String token) {
        if (token == null || keys.isEmpty()) {
            return null;
        }
        byte[] digest = ApiKey.digest(token.trim());
        ApiKey match = null;
        for (ApiKey k : keys) {
            if (k.matches(digest) && match == null) {
                match = k;
            }
        }
        return match;
    }
}
