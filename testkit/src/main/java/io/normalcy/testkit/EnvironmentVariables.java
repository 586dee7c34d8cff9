package io.normalcy.testkit;

import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;

import java.util.HashMap;
import java.util.Map;

/**
 * Environment variables for a Micronaut context in a test, read by Micronaut's own environment-variable rules
 * ({@code KAFKA_SECURITY_PROTOCOL} is seen as {@code kafka.security.protocol}, {@code kafka.security-protocol}, …)
 * without touching the JVM's real environment: how a service is configured in a container or a pod.
 */
public final class EnvironmentVariables {
    private EnvironmentVariables() {
    }

    /** @param vars variable name → value, e.g. {@code KAFKA_BOOTSTRAP_SERVERS → broker:9092} */
    public static PropertySource of(String name, Map<String, ?> vars) {
        return new MapPropertySource(name, new HashMap<>(vars)) {
            @Override
            public PropertyConvention getConvention() {
                return PropertyConvention.ENVIRONMENT_VARIABLE;
            }
        };
    }
}
