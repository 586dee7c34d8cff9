package io.normalcy.deploy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.normalcy.security.SecuritySettings;
import io.normalcy.testkit.EnvironmentVariables;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HTTP security configuration a service gets from a deploy file's environment, read by module security exactly
 * as the service reads it at start-up (the services' application.yml maps {@code normalcy.security.enabled} onto
 * Micronaut Security; both services share the module, so one reading serves the trainer and the detector).
 */
final class SecurityBoot {

    private SecurityBoot() {
    }

    /** @throws AssertionError naming the deploy file when the services would not start with this environment */
    static SecuritySettings check(Map<String, String> env, String where) {
        try {
            return read(env, where);
        } catch (RuntimeException e) {
            return fail(where + ": the services' HTTP security does not accept this environment: " + e.getMessage(), e);
        }
    }

    /** @throws io.normalcy.security.SecurityConfigException as the service's start-up would */
    static SecuritySettings read(Map<String, String> env, String where) {
        try (ApplicationContext ctx = ApplicationContext.builder().environments(Environment.CLI)
                .deduceEnvironment(false).propertySources(EnvironmentVariables.of(where, env)).build()) {
            Environment environment = ctx.getEnvironment();
            environment.start();
            return SecuritySettings.from(environment);
        }
    }

    /**
     * {@code env} with every Kubernetes secret reference ({@link Rendered#environment}: {@code <ref>}) replaced by a
     * stand-in value of its own (as distinct secrets would hold), long enough for any key.
     */
    static Map<String, String> withSecrets(Map<String, String> env) {
        Map<String, String> out = new LinkedHashMap<>(env);
        out.replaceAll((k, v) -> "<ref>".equals(v) ? "stand-in-for-the-secret-value-of-" + k : v);
        return out;
    }
}
