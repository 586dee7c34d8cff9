package io.normalcy.detector.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.MapFormat;
import io.micronaut.core.naming.conventions.StringConvention;
import io.normalcy.flow.kernel.KernelSelector;
import io.normalcy.schemas.mapping.RecordMapping;
import io.normalcy.schemas.mapping.RecordMappings;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed configuration of the detector, bound from {@code normalcy.detector.*} (application.yml, system
 * properties, or environment variables such as {@code NORMALCY_DETECTOR_COOL_DOWN=10m}). Validated at start-up:
 * a bad value stops the application with a message naming the key (jakarta constraints here, plus the range
 * checks of {@link DetectorSettings}/{@link DriftSettings} whose messages carry the full key).
 *
 * <p>Kafka client settings are not here: every {@code kafka.*} property (Micronaut Kafka convention, e.g.
 * {@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, {@code kafka.sasl.jaas.config},
 * {@code kafka.ssl.truststore.location}) is passed verbatim to the Kafka Streams application and its admin
 * client; {@code kafka.streams.detector.*} overrides Streams-only settings (e.g. {@code num.stream.threads},
 * {@code processing.guarantee}). See {@code io.normalcy.detector.runtime.KafkaProperties}.
 *
 * @param applicationId    Kafka Streams {@code application.id} (consumer group, transactional id prefix)
 * @param scoresEnabled    write every scored event to the scores topic
 * @param coolDown         per-entity alert cool-down window (0 = off)
 * @param topFeatures      contributing features listed per alert
 * @param expectedRangeMass central probability of each listed feature's expected range ({@link DetectorSettings})
 * @param shutdownTimeout  how long a clean shutdown waits for Kafka Streams to close
 * @param instanceId       static group membership id of this instance, blank = dynamic ({@link GroupMembership})
 * @param sessionTimeout   consumer group session timeout: a dead instance's partitions move after this long
 * @param leaveGroupOnClose leave the group on a clean shutdown
 * @param ensureTopics     create missing topics on start-up
 * @param topicPartitions  partitions of created delete-policy topics (features, scores, alerts, dlq...)
 * @param replicationFactor replication factor of created topics
 * @param topics           topic names
 * @param drift            drift → retraining
 * @param signing          required model signature
 * @param mappings         mapping name → declarative mapping of a raw input topic
 *                         ({@link io.normalcy.schemas.mapping.RecordMappings}); mapped topics are inputs too. Bound
 *                         with the keys as written: the default binding would hyphenate feature names (itemCount)
 * @param output           contributions on scores, headers carried to outputs ({@link OutputOptions})
 * @param scoringKernel    {@code auto} (default: the float SIMD kernel when the JVM has the
 *                         {@code jdk.incubator.vector} module, else the scalar one), {@code scalar} or {@code simd}
 *                         (start-up fails without the module); {@link io.normalcy.flow.kernel.KernelSelector}
 * @param history          {@code history.max-events-per-entity} / {@code history.max-bytes-per-entity}: bound of
 *                         each entity's derived-feature history ({@link History})
 */
@ConfigurationProperties("normalcy.detector")
public record DetectorConfiguration(
        @Bindable(defaultValue = "normalcy-detector") @NotBlank String applicationId,
        @Bindable(defaultValue = "true") boolean scoresEnabled,
        @Bindable(defaultValue = "5m") @NotNull Duration coolDown,
        @Bindable(defaultValue = "3") @Min(1) int topFeatures,
        @Bindable(defaultValue = "0.99") @DecimalMin(value = "0.0", inclusive = false)
        @DecimalMax(value = "1.0", inclusive = false) double expectedRangeMass,
        @Bindable(defaultValue = "30s") @NotNull Duration shutdownTimeout,
        @Nullable String instanceId,
        @Bindable(defaultValue = "10s") @NotNull Duration sessionTimeout,
        @Bindable(defaultValue = "true") boolean leaveGroupOnClose,
        @Bindable(defaultValue = "true") boolean ensureTopics,
        @Bindable(defaultValue = "3") @Min(1) int topicPartitions,
        @Bindable(defaultValue = "1") @Min(1) int replicationFactor,
        @Valid @Nullable Topics topics,
        @Valid @Nullable Drift drift,
        @Nullable Signing signing,
        @Nullable @MapFormat(transformation = MapFormat.MapTransformation.NESTED, keyFormat = StringConvention.RAW)
        Map<String, Object> mappings,
        @Valid @Nullable Output output,
        @Nullable String scoringKernel,
        @Nullable History history) {

    /** Configuration key of the mappings section, the prefix of every mapping error. */
    public static final String MAPPINGS = "normalcy.detector.mappings";
    /** Configuration key of the scoring kernel choice. */
    public static final String SCORING_KERNEL = "normalcy.detector.scoring-kernel";

    /**
     * Topic names. {@code inputs} entries are {@code topic} or {@code topic:format} with format
     * {@code avro|json|auto} (topic names cannot contain ':'), e.g. {@code normalcy.features:json}.
     */
    @ConfigurationProperties("topics")
    public record Topics(
            @Bindable(defaultValue = "normalcy.features") @NotNull List<
                    @Pattern(regexp = "[a-zA-Z0-9._-]+(:(?i)(avro|json|auto))?",
                            message = "must be 'topic' or 'topic:avro|json|auto'") String> inputs,
            @Bindable(defaultValue = "auto") @NotNull
            @Pattern(regexp = "(?i)avro|json|auto", message = "must be avro, json or auto") String defaultInputFormat,
            @Bindable(defaultValue = "normalcy.scores") @NotBlank String scores,
            @Bindable(defaultValue = "normalcy.alerts") @NotBlank String alerts,
            @Bindable(defaultValue = "normalcy.models") @NotBlank String models,
            @Bindable(defaultValue = "normalcy.retrain") @NotBlank String retrain,
            @Bindable(defaultValue = "normalcy.subscriptions") @NotBlank String subscriptions,
            @Bindable(defaultValue = "normalcy.dlq") @NotBlank String dlq,
            @Bindable(defaultValue = "normalcy.parking") @NotBlank String parking) {
    }

    /** See {@link DriftSettings}. */
    @ConfigurationProperties("drift")
    public record Drift(
            @Bindable(defaultValue = "true") boolean enabled,
            @Bindable(defaultValue = "5000") @Min(10) int windowSize,
            @Bindable(defaultValue = "1000") @Min(1) int minRecords,
            @Bindable(defaultValue = "3.0") @DecimalMin(value = "1.0", inclusive = false) double rateFactor,
            @Bindable(defaultValue = "0") @DecimalMin("0.0") double meanShift,
            @Bindable(defaultValue = "1h") @NotNull Duration rateLimit) {
    }

    /**
     * See {@link OutputOptions}. {@code contributions} is checked when the settings are built (the message names the
     * key and the allowed values).
     */
    @ConfigurationProperties("output")
    public record Output(
            @Bindable(defaultValue = "alerts") @NotBlank String contributions,
            @Bindable(defaultValue = "traceparent,tracestate") @NotNull List<String> carriedHeaders,
            @Bindable(defaultValue = "1024") int maxCarriedHeaderBytes) {
    }

    /**
     * Bound of each entity's derived-feature history in the changelogged history store
     * ({@link io.normalcy.schemas.derived.HistoryLimit}); ranges checked by {@link DetectorSettings} naming the key.
     */
    @ConfigurationProperties("history")
    public record History(
            @Bindable(defaultValue = "1000") int maxEventsPerEntity,
            @Bindable(defaultValue = "1000000") int maxBytesPerEntity) {
    }

    /** See {@link SigningSettings}; {@code keys} binds {@code signing.keys.<id>.hmac-secret|ed25519-public-key}. */
    @ConfigurationProperties("signing")
    public record Signing(@Nullable String hmacSecret, @Nullable String ed25519PublicKey,
                          @Nullable Map<String, Map<String, Object>> keys) {
    }

    /** Topic names, defaults where the section is absent. */
    public DetectorTopics detectorTopics() {
        DetectorTopics d = DetectorTopics.defaults();
        List<String> names = topics == null ? d.inputs()
                : topics.inputs().stream().map(DetectorConfiguration::topicOf).toList();
        Set<String> inputs = new LinkedHashSet<>(names);
        inputs.addAll(recordMappings().keySet());
        DetectorTopics t = topics == null
                ? new DetectorTopics(List.copyOf(inputs), d.scores(), d.alerts(), d.models(), d.retrain(),
                d.subscriptions(), d.dlq(), d.parking())
                : new DetectorTopics(List.copyOf(inputs), topics.scores(), topics.alerts(), topics.models(),
                topics.retrain(), topics.subscriptions(), topics.dlq(), topics.parking());
        List<String> outputs = List.of(t.scores(), t.alerts(), t.models(), t.retrain(), t.subscriptions(), t.dlq(),
                t.parking());
        recordMappings().values().stream().filter(m -> outputs.contains(m.topic())).findFirst().ifPresent(m -> {
            throw new IllegalArgumentException(MAPPINGS + "." + m.name() + ".topic: '" + m.topic()
                    + "' is one of the detector's own topics " + outputs);
        });
        return t;
    }

    /** Topic → mapping; IllegalArgumentException naming the {@code normalcy.detector.mappings.*} key on a bad one. */
    public Map<String, RecordMapping> recordMappings() {
        return RecordMappings.parse(MAPPINGS, mappings);
    }

    /** Consumer group membership; throws IllegalArgumentException naming the key on a bad value. */
    public GroupMembership membership() {
        return new GroupMembership(instanceId, sessionTimeout, leaveGroupOnClose);
    }

    /** Topology settings; throws IllegalArgumentException naming the key on inconsistent values. */
    public DetectorSettings detectorSettings() {
        InputFormat defaultFormat = topics == null ? InputFormat.AUTO : format(topics.defaultInputFormat());
        Map<String, InputFormat> formats = new LinkedHashMap<>();
        if (topics != null) {
            for (String entry : topics.inputs()) {
                int colon = entry.indexOf(':');
                if (colon > 0) {
                    formats.put(entry.substring(0, colon), format(entry.substring(colon + 1)));
                }
            }
        }
        DriftSettings d = drift == null ? DriftSettings.defaults()
                : new DriftSettings(drift.enabled(), drift.windowSize(), drift.minRecords(), drift.rateFactor(),
                drift.meanShift(), drift.rateLimit());
        SigningSettings s = signing == null ? SigningSettings.none()
                : new SigningSettings(signing.hmacSecret(), signing.ed25519PublicKey(),
                SigningSettings.keysFromConfig(signing.keys()));
        OutputOptions o = output == null ? OutputOptions.defaults()
                : new OutputOptions(OutputOptions.Contributions.parse(output.contributions()),
                OutputOptions.carried(output.carriedHeaders()), output.maxCarriedHeaderBytes());
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultFormat, formats, d,
                s, recordMappings(), o, KernelSelector.select(scoringKernel, SCORING_KERNEL),
                history == null ? null : new io.normalcy.schemas.derived.HistoryLimit(history.maxEventsPerEntity(),
                        history.maxBytesPerEntity()));
    }

    private static final java.util.regex.Pattern INPUT = java.util.regex.Pattern.compile(
            "[a-zA-Z0-9._-]{1,249}(:[a-zA-Z]+)?");

    private static String topicOf(String entry) {
        String e = entry.trim();
        if (!INPUT.matcher(e).matches()) {
            throw new IllegalArgumentException("normalcy.detector.topics.inputs: '" + entry
                    + "' is not 'topic' or 'topic:avro|json|auto' (topic names use [a-zA-Z0-9._-])");
        }
        int colon = e.indexOf(':');
        return colon < 0 ? e : e.substring(0, colon);
    }

    private static InputFormat format(String s) {
        try {
            return InputFormat.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("normalcy.detector.topics input format must be avro, json or auto, got '"
                    + s + "'");
        }
    }
}
