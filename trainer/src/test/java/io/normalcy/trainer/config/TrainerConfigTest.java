package io.normalcy.trainer.config;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link TrainerConfig} binds with its defaults, and a bad service setting stops start-up naming its key. */
class TrainerConfigTest {
    private static ApplicationContext start(Map<String, Object> props) {
        return ApplicationContext.builder().environments("cli").properties(props).deduceEnvironment(false).start();
    }

    private static String startupError(String key, Object value) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ctx = start(Map.of(key, value))) {
                ctx.getBean(ModelRegistry.class);
            }
        });
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage()).append('\n');
        }
        return m.toString();
    }

    @Test
    void defaultsAreKeptAndValuesBind() {
        try (ApplicationContext ctx = start(Map.of())) {
            TrainerConfig c = ctx.getBean(TrainerConfig.class);
            assertEquals(Isolation.PROCESS, c.isolation());
            assertEquals("models", c.artifactDir());
            assertEquals(1, c.maxConcurrentTrainings());
            assertEquals(List.of("-Xmx1g"), c.childJvmOptions());
            assertEquals(Duration.ofHours(2), c.trainingTimeout());
            assertTrue(c.retrainListener());
            assertEquals(10_000, c.recentRequestIds());
            assertEquals(Duration.ofMinutes(5), c.readTimeout());
            assertEquals("default", c.signingKeyId());
            assertEquals(5, c.keepVersions());
        }
        try (ApplicationContext ctx = start(Map.of("normalcy.trainer.isolation", "in-process",
                "normalcy.trainer.max-concurrent-trainings", 2, "normalcy.trainer.training-timeout", "30m",
                "normalcy.trainer.child-jvm-options", List.of("-Xmx2g", "-XX:+UseSerialGC")))) {
            TrainerConfig c = ctx.getBean(TrainerConfig.class);
            assertEquals(Isolation.IN_PROCESS, c.isolation());
            assertEquals(2, c.maxConcurrentTrainings());
            assertEquals(Duration.ofMinutes(30), c.trainingTimeout());
            assertEquals(List.of("-Xmx2g", "-XX:+UseSerialGC"), c.childJvmOptions());
        }
    }

    @Test
    void constraintViolationsStopStartUpNamingTheKey() {
        String m = startupError("normalcy.trainer.max-concurrent-trainings", 0);
        assertTrue(m.contains("normalcy.trainer.max-concurrent-trainings: must be >= 1"), m);
        m = startupError("normalcy.trainer.keep-versions", 0);
        assertTrue(m.contains("normalcy.trainer.keep-versions: must be >= 1, got 0"), m);
        m = startupError("normalcy.trainer.recent-request-ids", 0);
        assertTrue(m.contains("normalcy.trainer.recent-request-ids: must be >= 1"), m);
        m = startupError("normalcy.trainer.artifact-dir", " ");
        assertTrue(m.contains("normalcy.trainer.artifact-dir: must not be blank"), m);
    }

    @Test
    void unconvertibleValuesStopStartUpNamingTheKey() {
        String m = startupError("normalcy.trainer.training-timeout", "soon");
        assertTrue(m.contains("normalcy.trainer.training-timeout"), m);
        m = startupError("normalcy.trainer.isolation", "container");
        assertTrue(m.contains("normalcy.trainer.isolation"), m);
    }

    @Test
    void everySettingIsAKnownServiceKey() {
        assertTrue(TrainerConfig.keys().containsAll(List.of("isolation", "instance-id", "artifact-dir",
                "max-concurrent-trainings", "child-jvm-options", "training-timeout", "retrain-listener",
                "recent-request-ids", "read-timeout", "hmac-key", "ed25519-private-key", "signing-key-id",
                "keep-versions", "models", "registry")));
        assertTrue(startupError("normalcy.trainer.keep-version", 3).contains("normalcy.trainer.keep-version: unknown key"));
    }
}
