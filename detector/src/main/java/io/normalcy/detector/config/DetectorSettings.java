package io.normalcy.detector.config;

import io.normalcy.flow.kernel.KernelSelector;
import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.schemas.derived.HistoryLimit;
import io.normalcy.schemas.mapping.RecordMapping;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Behaviour of the detector topology, independent of Micronaut (tests build it directly). Built from
 * {@link DetectorConfiguration} by the application.
 *
 * @param scoresEnabled      whether every scored event is written to the scores topic
 * @param coolDown           per model+entity: alerts within this event-time window after the last emitted alert
 *                           are suppressed (still scored and counted); zero disables
 * @param topFeatures        number of contributing features an alert lists (≥ 1)
 * @param expectedRangeMass  central probability of each listed feature's expected range (0 &lt; mass &lt; 1; 0.99 =
 *                           the 0.5 %–99.5 % quantiles of its exact conditional under the model)
 * @param defaultInputFormat format of input topics not listed in {@code inputFormats}
 * @param inputFormats       format per input topic
 * @param drift              drift → retraining
 * @param signing            required model signature, if any
 * @param mappings           topic → mapping of the raw records it carries (topics without one carry feature vectors)
 * @param output             contributions on scores, headers carried from inputs to outputs
 * @param scoringKernel      the kernel every scorer of the topology runs on (resolved from
 *                           {@code normalcy.detector.scoring-kernel} by {@link KernelSelector}; the constructors
 *                           without it take the scalar reference kernel)
 * @param history            bound of each entity's stored derived-feature history ({@link HistoryLimit}; null =
 *                           the default, which the trainer uses too)
 */
public record DetectorSettings(boolean scoresEnabled, Duration coolDown, int topFeatures, double expectedRangeMass,
                               InputFormat defaultInputFormat, Map<String, InputFormat> inputFormats,
                               DriftSettings drift, SigningSettings signing, Map<String, RecordMapping> mappings,
                               OutputOptions output, ScoringKernel scoringKernel, HistoryLimit history) {
    public DetectorSettings {
        Objects.requireNonNull(coolDown, "normalcy.detector.cool-down");
        if (coolDown.isNegative()) {
            throw new IllegalArgumentException("normalcy.detector.cool-down must not be negative, got " + coolDown);
        }
        if (topFeatures < 1) {
            throw new IllegalArgumentException("normalcy.detector.top-features must be >= 1, got " + topFeatures);
        }
        if (!(expectedRangeMass > 0 && expectedRangeMass < 1)) {
            throw new IllegalArgumentException("normalcy.detector.expected-range-mass must be in (0, 1), got "
                    + expectedRangeMass);
        }
        Objects.requireNonNull(defaultInputFormat, "normalcy.detector.default-input-format");
        inputFormats = Map.copyOf(inputFormats == null ? Map.of() : inputFormats);
        Objects.requireNonNull(drift, "drift");
        signing = signing == null ? SigningSettings.none() : signing;
        mappings = Map.copyOf(mappings == null ? Map.of() : mappings);
        output = output == null ? OutputOptions.defaults() : output;
        scoringKernel = scoringKernel == null ? ScoringKernel.SCALAR : scoringKernel;
        history = history == null ? HistoryLimit.DEFAULT
                : HistoryLimit.checked(history.maxEvents(), history.maxBytes(), HISTORY_MAX_EVENTS, HISTORY_MAX_BYTES);
    }

    /** Configuration key of {@link HistoryLimit#maxEvents()}. */
    public static final String HISTORY_MAX_EVENTS = "normalcy.detector.history.max-events-per-entity";
    /** Configuration key of {@link HistoryLimit#maxBytes()}. */
    public static final String HISTORY_MAX_BYTES = "normalcy.detector.history.max-bytes-per-entity";

    /** The same settings with entity histories bounded by {@code limit}. */
    public DetectorSettings withHistory(HistoryLimit limit) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat,
                inputFormats, drift, signing, mappings, output, scoringKernel, limit);
    }

    /** With the default output options, on the scalar reference kernel. */
    public DetectorSettings(boolean scoresEnabled, Duration coolDown, int topFeatures, double expectedRangeMass,
                            InputFormat defaultInputFormat, Map<String, InputFormat> inputFormats, DriftSettings drift,
                            SigningSettings signing, Map<String, RecordMapping> mappings) {
        this(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat, inputFormats, drift, signing,
                mappings, OutputOptions.defaults(), ScoringKernel.SCALAR, null);
    }

    /** The same settings with scorers on {@code kernel}. */
    public DetectorSettings withScoringKernel(ScoringKernel kernel) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat,
                inputFormats, drift, signing, mappings, output, kernel, history);
    }

    /** Without mappings: every input topic carries feature vectors. */
    public DetectorSettings(boolean scoresEnabled, Duration coolDown, int topFeatures, double expectedRangeMass,
                            InputFormat defaultInputFormat, Map<String, InputFormat> inputFormats, DriftSettings drift,
                            SigningSettings signing) {
        this(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat, inputFormats, drift, signing,
                Map.of());
    }

    /** 0.5 %–99.5 % quantiles ({@code io.normalcy.flow.model.ExpectedRanges#DEFAULT_MASS}). */
    public static final double DEFAULT_EXPECTED_RANGE_MASS = 0.99;

    public static DetectorSettings defaults() {
        return new DetectorSettings(true, Duration.ofMinutes(5), 3, DEFAULT_EXPECTED_RANGE_MASS, InputFormat.AUTO,
                Map.of(), DriftSettings.defaults(), SigningSettings.none());
    }

    public InputFormat formatOf(String topic) {
        return inputFormats.getOrDefault(topic, defaultInputFormat);
    }

    public DetectorSettings withCoolDown(Duration d) {
        return new DetectorSettings(scoresEnabled, d, topFeatures, expectedRangeMass, defaultInputFormat, inputFormats,
                drift, signing, mappings, output, scoringKernel, history);
    }

    public DetectorSettings withScoresEnabled(boolean on) {
        return new DetectorSettings(on, coolDown, topFeatures, expectedRangeMass, defaultInputFormat, inputFormats,
                drift, signing, mappings, output, scoringKernel, history);
    }

    public DetectorSettings withDrift(DriftSettings d) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat,
                inputFormats, d, signing, mappings, output, scoringKernel, history);
    }

    public DetectorSettings withSigning(SigningSettings s) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat,
                inputFormats, drift, s, mappings, output, scoringKernel, history);
    }

    public DetectorSettings withExpectedRangeMass(double mass) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, mass, defaultInputFormat, inputFormats, drift,
                signing, mappings, output, scoringKernel, history);
    }

    /** The mapping of {@code topic}'s records, or null when the topic carries feature vectors. */
    public RecordMapping mappingOf(String topic) {
        return mappings.get(topic);
    }

    public DetectorSettings withMappings(Map<String, RecordMapping> byTopic) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat,
                inputFormats, drift, signing, byTopic, output, scoringKernel, history);
    }

    public DetectorSettings withOutput(OutputOptions o) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultInputFormat,
                inputFormats, drift, signing, mappings, o, scoringKernel, history);
    }

    public DetectorSettings withInputFormats(InputFormat defaultFormat, Map<String, InputFormat> perTopic) {
        return new DetectorSettings(scoresEnabled, coolDown, topFeatures, expectedRangeMass, defaultFormat, perTopic,
                drift, signing, mappings, output, scoringKernel, history);
    }
}
