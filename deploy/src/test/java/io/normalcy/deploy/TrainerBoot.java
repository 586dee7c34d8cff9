package io.normalcy.deploy;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.normalcy.security.SecuritySettings;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.config.TrainerConfig;
import io.normalcy.trainer.service.KafkaSettings;
import io.normalcy.testkit.EnvironmentVariables;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Starts the trainer's real configuration (Micronaut context in its {@code cli} environment: configuration, model
 * registry and Kafka settings, no Kafka connection) with a deploy file's environment variables, read by Micronaut's
 * own environment-variable rules. A name check alone cannot see a variable that maps to a known key yet stops
 * start-up (e.g. a multi-word key split at every '_'), or one that is silently left out of the Kafka clients.
 * Also checks that the HTTP API is authenticated with credentials (the {@code cli} environment skips the start-up
 * check of module security, so it is run here); secret references count as present ({@link SecurityBoot}).
 */
final class TrainerBoot {
    private TrainerBoot() {
    }

    /** @return the model names the trainer defines with this environment */
    static List<String> check(Map<String, String> env, String where) {
        Map<String, String> effective = SecurityBoot.withSecrets(env); // secret references get stand-in values
        PropertySource source = EnvironmentVariables.of(where, effective);
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").deduceEnvironment(false)
                .propertySources(source).start()) {
            List<String> models = ctx.getBean(ModelRegistry.class).names();
            TrainerConfig config = ctx.getBean(TrainerConfig.class);
            if (env.containsKey("NORMALCY_TRAINER_ARTIFACT_DIR")) {
                assertEquals(env.get("NORMALCY_TRAINER_ARTIFACT_DIR"), config.artifactDir(), where + ": artifact dir");
            }
            KafkaSettings kafka = ctx.getBean(KafkaSettings.class);
            effective.forEach((k, v) -> {
                if (k.startsWith("KAFKA_")) {
                    String key = k.substring("KAFKA_".length()).toLowerCase(java.util.Locale.ROOT).replace('_', '.');
                    assertEquals(v, String.valueOf(kafka.admin().get(key)), where + ": " + k + " reaches the clients");
                }
            });
            SecuritySettings security = SecuritySettings.from(ctx.getEnvironment());
            assertTrue(security.enabled() && security.hasCredentials(), where + ": HTTP API without credentials: "
                    + security.describe());
            return models;
        } catch (RuntimeException e) {
            StringBuilder sb = new StringBuilder();
            for (Throwable c = e; c != null; c = c.getCause()) {
                sb.append("\n  ").append(c.getMessage());
            }
            return fail(where + ": the trainer does not start with this environment:" + sb, e);
        }
    }
}
