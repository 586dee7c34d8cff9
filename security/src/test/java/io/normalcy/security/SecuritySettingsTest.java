package io.normalcy.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.MapPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.runtime.server.EmbeddedServer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Start-up with the security configuration: secure by default (no credentials stops start-up, naming the keys),
 * open only when told so (and then a WARN), and every mistake stops start-up naming the key.
 */
class SecuritySettingsTest {
    private static final String KEY = "k-0123456789abcdef";

    /** Starts a service-like context (not the cli environment) and returns why it did not start, or null. */
    private static String startupFailure(Map<String, Object> props, PropertySource... env) {
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).properties(props)
                .propertySources(env).start()) {
            ctx.getBean(SecurityStartupCheck.class);
            return null;
        } catch (RuntimeException e) {
            StringBuilder sb = new StringBuilder();
            for (Throwable t = e; t != null; t = t.getCause()) {
                sb.append(t.getMessage()).append('\n');
            }
            return sb.toString();
        }
    }

    private static PropertySource envVars(Map<String, String> vars) {
        return new MapPropertySource("env", new HashMap<>(vars)) {
            @Override
            public PropertyConvention getConvention() {
                return PropertyConvention.ENVIRONMENT_VARIABLE;
            }
        };
    }

    private static SecuritySettings settings(Map<String, Object> props, PropertySource... env) {
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false)
                .environments(Environment.CLI).properties(props).propertySources(env).start()) {
            return SecuritySettings.from(ctx.getEnvironment());
        }
    }

    @Test
    void withoutCredentialsStartUpStopsAndNamesTheKeysToSet() {
        String msg = startupFailure(Map.of());
        assertTrue(msg != null && msg.contains("normalcy.security.api-keys: no credentials are configured"), msg);
        for (String key : List.of("normalcy.security.api-keys.<name>.key", "key-sha256", "normalcy.security.api-keys.<name>.roles",
                "micronaut.security.token.jwt.signatures.secret.<name>.secret", "signatures.jwks.<name>.url",
                "normalcy.security.enabled=false")) {
            assertTrue(msg.contains(key), key + " in: " + msg);
        }
    }

    @Test
    void aRefusedStartUpHasNotStartedTheOtherEagerBeans() {
        int before = EagerProbe.CREATED.get();
        assertTrue(startupFailure(Map.of()) != null);
        assertEquals(before, EagerProbe.CREATED.get(), "the check runs first: nothing else started, nothing leaks");
        assertEquals(null, startupFailure(Map.of("normalcy.security.enabled", "false")));
        assertEquals(before + 1, EagerProbe.CREATED.get(), "the probe is an eager bean");
    }

    @Test
    void runningOpenMustBeSaidAndIsLoggedAsAWarning() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(SecurityStartupCheck.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try (EmbeddedServer server = Http.start(Map.of("normalcy.security.enabled", "false"))) {
            assertTrue(server.getApplicationContext().getBean(SecurityStartupCheck.class).open());
            assertTrue(log.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("authentication OFF (normalcy.security.enabled=false)")), log.list.toString());
            assertEquals(200, Http.send(server, "POST", "/probe/admin").statusCode(), "open means open");
            assertTrue(Http.send(server, "GET", "/health").body().contains("details"), "details to everyone when open");
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void securedStartUpLogsTheCredentialSourcesButNoSecret() {
        Logger logger = (Logger) LoggerFactory.getLogger(SecurityStartupCheck.class);
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        logger.addAppender(log);
        try {
            assertEquals(null, startupFailure(Map.of("normalcy.security.api-keys.ops.key", KEY,
                    "normalcy.security.api-keys.ops.roles", "admin")));
            String line = log.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("authentication on"))
                    .findFirst().orElse("");
            assertTrue(line.contains("ops [admin]") && !line.contains(KEY), line);
            assertTrue(log.list.stream().noneMatch(e -> e.getLevel() == Level.WARN), log.list.toString());
        } finally {
            logger.detachAppender(log);
        }
    }

    @Test
    void badKeysStopStartUpNamingTheKey() {
        String p = "normalcy.security.api-keys.ops.";
        Map<String, Map<String, Object>> cases = Map.of(
                p + "roles: missing", Map.of(p + "key", KEY),
                p + "roles: unknown role 'root'", Map.of(p + "key", KEY, p + "roles", "read,root"),
                p + "key: too short (5 characters)", Map.of(p + "key", "short", p + "roles", "read"),
                p + "key-sha256: not a SHA-256", Map.of(p + "key-sha256", "abc", p + "roles", "read"),
                "normalcy.security.api-keys.ops: set either key or key-sha256", Map.of(p + "key", KEY,
                        p + "key-sha256", ApiKey.hex(ApiKey.digest(KEY)), p + "roles", "read"),
                p + "keys: unknown key", Map.of(p + "keys", KEY, p + "roles", "read"),
                "normalcy.security.protect-metric: unknown key", Map.of(p + "key", KEY, p + "roles", "read",
                        "normalcy.security.protect-metric", "true"),
                "normalcy.security.enabled: 'no' is not true or false", Map.of("normalcy.security.enabled", "no"),
                "micronaut.security.token.jwt.signatures.secret.idp.secret: too short (6 characters)",
                        Map.of("micronaut.security.token.jwt.signatures.secret.idp.secret", "secret"),
                "normalcy.security.api-keys.b: is the same key as normalcy.security.api-keys.a", Map.of(
                        "normalcy.security.api-keys.a.key", KEY, "normalcy.security.api-keys.a.roles", "read",
                        "normalcy.security.api-keys.b.key", KEY, "normalcy.security.api-keys.b.roles", "admin"));
        cases.forEach((expected, props) -> {
            String msg = startupFailure(props);
            assertTrue(msg != null && msg.contains(expected), "expected '" + expected + "' for " + props + ", got: " + msg);
        });
    }

    @Test
    void environmentVariablesDefineKeysAndFollowMicronautsRules() {
        SecuritySettings s = settings(Map.of(), envVars(Map.of(
                "NORMALCY_SECURITY_API_KEYS_OPS_KEY", KEY,
                "NORMALCY_SECURITY_API_KEYS_OPS_ROLES", "admin",
                "NORMALCY_SECURITY_API_KEYS_CI_BOT_KEY_SHA256", ApiKey.hex(ApiKey.digest("ci-0123456789abcdef")),
                "NORMALCY_SECURITY_API_KEYS_CI_BOT_ROLES", "read,admin",
                "NORMALCY_SECURITY_PROTECT_METRICS", "true")));
        assertEquals(List.of("ci-bot [admin, read]", "ops [admin]"), s.apiKeys().stream().map(ApiKey::toString).toList());
        assertTrue(s.protectMetrics());
        assertTrue(s.enabled());
        String typo = assertThrows(SecurityConfigException.class, () -> settings(Map.of(), envVars(Map.of(
                "NORMALCY_SECURITY_API_KEYS_OPS_KEY", KEY, "NORMALCY_SECURITY_API_KEYS_OPS_ROLE", "admin")))).getMessage();
        assertTrue(typo.startsWith("NORMALCY_SECURITY_API_KEYS_OPS_ROLE: unknown key"), typo);
        String enabledTypo = assertThrows(SecurityConfigException.class, () -> settings(Map.of(), envVars(Map.of(
                "NORMALCY_SECURITY_ENABLE", "false")))).getMessage();
        assertTrue(enabledTypo.startsWith("normalcy.security.enable: unknown key"), enabledTypo);
    }

    @Test
    void micronautsSwitchMustAgreeWithOurs() {
        String msg = startupFailure(Map.of("micronaut.security.enabled", "false", "normalcy.security.api-keys.ops.key", KEY,
                "normalcy.security.api-keys.ops.roles", "admin"));
        assertTrue(msg != null && msg.contains("micronaut.security.enabled: is false but normalcy.security.enabled is true"),
                msg);
    }

    @Test
    void jwtSourcesCountAsCredentials() {
        SecuritySettings s = settings(Map.of("micronaut.security.token.jwt.signatures.jwks.idp.url",
                "https://idp.example/.well-known/jwks.json"));
        assertEquals(List.of("jwks 'idp'"), s.jwtSources());
        assertTrue(s.hasCredentials());
        assertFalse(s.apiKeys().iterator().hasNext());
    }
}
