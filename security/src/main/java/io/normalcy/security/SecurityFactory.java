package io.normalcy.security;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import jakarta.inject.Singleton;

/** The validated {@link SecuritySettings} as a bean, shared by the start-up check and the API-key validator. */
@Factory
class SecurityFactory {
    @Singleton
    SecuritySettings securitySettings(Environment env) {
        return SecuritySettings.from(env);
    }
}
