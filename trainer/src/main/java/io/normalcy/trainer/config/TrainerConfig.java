package io.normalcy.trainer.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.naming.NameUtils;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Service-level settings under {@code normalcy.trainer}, bound once at start-up and validated like the detector's
 * {@code DetectorConfiguration}: a constraint violation stops the service with the key named in the message.
 * Per-model definitions live under {@code normalcy.trainer.models.<name>.*} and are parsed and validated by
 * {@link ModelRegistry}; the schema registry under {@code normalcy.trainer.registry.*} ({@link RegistryConfig}); the
 * bound of each entity's derived-feature history under {@code normalcy.trainer.history.*} ({@link HistoryConfig}).
 *
 * @param isolation              where a training runs ({@link Isolation})
 * @param instanceId             this trainer's id in status records and its retrain consumer group
 * @param artifactDir            directory of model files and reports
 * @param maxConcurrentTrainings trainings running at once
 * @param childJvmOptions        JVM options of a child training JVM
 * @param trainingTimeout        a training running longer is killed and fails
 * @param retrainListener        consume the retrain topic
 * @param recentRequestIds       request ids remembered to drop duplicate requests
 * @param readTimeout            how long a read of a compacted topic to its end may take
 * @param hmacKey                base64 HMAC-SHA256 key; when set, published models are signed with it
 * @param ed25519PrivateKey      base64 PKCS#8 Ed25519 private key; when set, published models are signed with it
 *                               (preferred over HMAC)
 * @param signingKeyId           id of the signing key, sent with every published record; detectors verify with
 *                               their key of that id
 * @param keepVersions           versions kept per model; after a publish older ones get signed RETIRE records
 *                               (never the pinned one)
 */
@ConfigurationProperties("normalcy.trainer") // a literal: deploy's ConfigPropertiesScanner reads the key from the source
public record TrainerConfig(
        @Bindable(defaultValue = "process") @NotNull Isolation isolation,
        @Bindable(defaultValue = "trainer-1") @NotBlank(message = PREFIX + ".instance-id: must not be blank")
        String instanceId,
        @Bindable(defaultValue = "models") @NotBlank(message = PREFIX + ".artifact-dir: must not be blank")
        String artifactDir,
        @Bindable(defaultValue = "1") @Min(value = 1, message = PREFIX + ".max-concurrent-trainings: must be >= 1")
        int maxConcurrentTrainings,
        @Bindable(defaultValue = "-Xmx1g") @NotNull List<String> childJvmOptions,
        @Bindable(defaultValue = "2h") @NotNull Duration trainingTimeout,
        @Bindable(defaultValue = "true") boolean retrainListener,
        @Bindable(defaultValue = "10000") @Min(value = 1, message = PREFIX + ".recent-request-ids: must be >= 1")
        int recentRequestIds,
        @Bindable(defaultValue = "5m") @NotNull Duration readTimeout,
        @Nullable String hmacKey,
        @Nullable String ed25519PrivateKey,
        @Bindable(defaultValue = "default") @NotNull String signingKeyId,
        @Bindable(defaultValue = "5") @Min(value = 1, message = PREFIX + ".keep-versions: must be >= 1, got {validatedValue}")
        int keepVersions) {

    static final String PREFIX = "normalcy.trainer";

    public TrainerConfig {
        childJvmOptions = List.copyOf(childJvmOptions);
    }

    /**
     * Every key accepted directly under {@code normalcy.trainer}: this record's components, hyphenated, plus the
     * {@code models}, {@code registry}, {@code mappings} and {@code history} ({@link HistoryConfig}) sections.
     * Derived, so a new setting cannot be forgotten in the unknown-key check.
     */
    static Set<String> keys() {
        return Stream.concat(Stream.of(TrainerConfig.class.getRecordComponents()).map(c -> NameUtils.hyphenate(c.getName())),
                Stream.of("models", "registry", "mappings", "history")).collect(Collectors.toUnmodifiableSet());
    }
}
