package io.normalcy.trainer.config;

import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeepVersionsConfigTest {
    private static ApplicationContext start(Map<String, Object> props) {
        return ApplicationContext.builder().environments("cli").properties(props).deduceEnvironment(false).start();
    }

    @Test
    void keepVersionsBindsAndMustBePositive() {
        try (ApplicationContext ctx = start(Map.of("normalcy.trainer.keep-versions", 3))) {
            assertEquals(3, ctx.getBean(TrainerConfig.class).keepVersions());
        }
        try (ApplicationContext ctx = start(Map.of())) {
            assertEquals(5, ctx.getBean(TrainerConfig.class).keepVersions());
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> start(Map.of("normalcy.trainer.keep-versions", 0))
                .close());
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage()).append('\n');
        }
        assertTrue(m.toString().contains("normalcy.trainer.keep-versions: must be >= 1, got 0"), m.toString());
    }
}
