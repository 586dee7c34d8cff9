package io.normalcy.security;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.inject.ExecutableMethod;
import io.micronaut.management.endpoint.EndpointSensitivityProcessor;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.security.rules.SensitiveEndpointRule;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Management endpoints marked sensitive (here: {@code /prometheus} with {@code normalcy.security.protect-metrics})
 * need the read role (or admin); non-sensitive ones (health with its liveness and readiness probes, open metrics)
 * stay open, as in Micronaut's rule this replaces, which refuses every authenticated caller by default.
 */
@Singleton
@Replaces(SensitiveEndpointRule.class)
public final class EndpointRoleRule extends SensitiveEndpointRule {
    EndpointRoleRule(EndpointSensitivityProcessor processor) {
        super(processor);
    }

    @Override
    protected Publisher<SecurityRuleResult> checkSensitiveAuthenticated(HttpRequest<?> request,
                                                                        Authentication authentication,
                                                                        ExecutableMethod<?, ?> method) {
        return Publishers.just(Roles.canRead(authentication.getRoles()) ? SecurityRuleResult.ALLOWED
                : SecurityRuleResult.REJECTED);
    }
}
