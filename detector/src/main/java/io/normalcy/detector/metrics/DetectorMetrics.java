package io.normalcy.detector.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The detector's Micrometer meters (exported by the Prometheus endpoint in the app, a {@link SimpleMeterRegistry}
 * in tests). Meters are looked up once per tag combination and cached, because the scoring path calls these per
 * record and Micrometer's own lookup allocates. Names (Prometheus turns dots into underscores):
 * <ul>
 *   <li>{@value #SCORED} {model} – records scored; {@value #LATENCY} {model} – scoring time (histogram)</li>
 *   <li>{@value #EVENT_LAG} {model} – event time to score (histogram)</li>
 *   <li>{@value #ALERTS} {model,severity,scope} – alerts raised; {@value #SUPPRESSED} {model} – cooled down</li>
 *   <li>{@value #ROUTED} {subscription} – alert copies routed to subscription topics</li>
 *   <li>{@value #DLQ} {reason} – dead letters; {@value #PARKED} {model} – records parked (no model yet)</li>
 *   <li>{@value #SKIPPED} {model,feature} – records not scored because they lacked a feature whose missing-value
 *   policy is skip (not dead-lettered; one count per missing skip feature)</li>
 *   <li>{@value #MODEL_VERSION} {model} – version in use; {@value #SWAPS} {model}; {@value #REJECTED} {model,reason}</li>
 *   <li>{@value #RETRAIN} {model,reason} – retrain requests; {@value #PRODUCTION_ERRORS} {exception,action}</li>
 *   <li>{@value #UNROUTABLE} {subscription} – alert copies not sent because the subscription's topic does not
 *   exist (the input is dead-lettered)</li>
 *   <li>{@value #TRUNCATED} {output} – outputs shortened to fit the producer's limit; {@value #OVERSIZED} {output}
 *   – outputs that did not fit even shortened (the input is dead-lettered; a dead letter itself is skipped)</li>
 *   <li>{@value #HEADERS_DROPPED} {header} – input headers not carried to the outputs because they exceed
 *   {@code normalcy.detector.output.max-carried-header-bytes} (the outputs go out without them)</li>
 * </ul>
 */
public final class DetectorMetrics {
    public static final String SCORED = "normalcy.records.scored";
    public static final String LATENCY = "normalcy.scoring.latency";
    public static final String EVENT_LAG = "normalcy.event.lag";
    public static final String ALERTS = "normalcy.alerts";
    public static final String SUPPRESSED = "normalcy.alerts.suppressed";
    public static final String ROUTED = "normalcy.alerts.routed";
    public static final String DLQ = "normalcy.dlq";
    public static final String PARKED = "normalcy.parked";
    public static final String SKIPPED = "normalcy.records.skipped";
    public static final String MODEL_VERSION = "normalcy.model.version";
    public static final String SWAPS = "normalcy.models.swapped";
    public static final String REJECTED = "normalcy.models.rejected";
    public static final String RETRAIN = "normalcy.retrain.requested";
    public static final String PRODUCTION_ERRORS = "normalcy.production.errors";
    public static final String UNROUTABLE = "normalcy.alerts.unroutable";
    public static final String TRUNCATED = "normalcy.outputs.truncated";
    public static final String OVERSIZED = "normalcy.outputs.oversized";
    public static final String HEADERS_DROPPED = "normalcy.headers.dropped";

    /** Prometheus help text of each counter (promtool wants one on every metric; checked by MetricsExpositionIT). */
    private static final Map<String, String> HELP = Map.ofEntries(
            Map.entry(SCORED, "Records scored, by model"),
            Map.entry(ALERTS, "Alerts raised, by model, severity and scope (event or entity)"),
            Map.entry(SUPPRESSED, "Alerts not raised because the entity's cool-down was running"),
            Map.entry(ROUTED, "Alert copies routed to a subscription's topic"),
            Map.entry(DLQ, "Records written to the dead-letter topic, by reason"),
            Map.entry(PARKED, "Records parked because their model is not loaded yet"),
            Map.entry(SKIPPED, "Records not scored because a feature with missing-value policy skip was missing, by"
                    + " model and feature"),
            Map.entry(SWAPS, "Model versions swapped in while running"),
            Map.entry(REJECTED, "Model versions rejected (invalid, signature, downgrade, ...), by reason"),
            Map.entry(RETRAIN, "Retrain requests sent on drift, by model and drift kind"),
            Map.entry(PRODUCTION_ERRORS, "Kafka production errors, by exception and the handler's action"),
            Map.entry(UNROUTABLE, "Alert copies not sent because the subscription's topic does not exist"),
            Map.entry(TRUNCATED, "Outputs shortened to fit the producer's request size, by output"),
            Map.entry(OVERSIZED, "Outputs too large even shortened (input dead-lettered), by output"),
            Map.entry(HEADERS_DROPPED, "Input headers not carried to scores and alerts because they were too large"));

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Timer> lags = new ConcurrentHashMap<>();
    /** Per-record counter by model, looked up without building a key (the stream thread calls it per record). */
    private final Map<String, Counter> scoredByModel = new ConcurrentHashMap<>();

    /**
     * Most distinct {@code model} values of a metric whose model name comes from untrusted input: a parked record
     * names any model it likes, a models-topic record any key. Beyond it those meters are not registered (Micrometer's
     * {@link MeterFilter#maximumAllowableTags}), so junk cannot grow the registry or the scrape without bound.
     */
    public static final int MAX_UNTRUSTED_MODELS = 100;

    public DetectorMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        for (String untrusted : new String[] {PARKED, REJECTED}) {
            registry.config().meterFilter(MeterFilter.maximumAllowableTags(untrusted, "model", MAX_UNTRUSTED_MODELS,
                    MeterFilter.deny()));
        }
    }

    /** Metrics in a private in-memory registry (tests, tools). */
    public static DetectorMetrics inMemory() {
        return new DetectorMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void scored(String model) {
        scoredByModel.computeIfAbsent(model, m -> counter(SCORED, "model", m)).increment();
    }

    /**
     * Scoring time of one record. A histogram only: Prometheus computes percentiles across instances with
     * {@code histogram_quantile} (the dashboards do); client-side percentiles are not exported next to a histogram by
     * the Prometheus registry and would only cost time on the stream thread.
     */
    public Timer scoringTimer(String model) {
        return timers.computeIfAbsent(model, m -> Timer.builder(LATENCY)
                .description("Time to decode-free score one record: preprocessing, flow log-density, thresholds")
                .tag("model", m)
                .publishPercentileHistogram()
                .register(registry));
    }

    /**
     * End-to-end latency of one record: wall-clock time of its score minus its event time (input lag, queueing and
     * scoring; clock skew between producer and detector included, negative values count as 0). A histogram, so
     * percentiles aggregate across instances; buckets from 1 ms to 1 h (a backfill of old events lands in the top
     * bucket rather than stretching the scale).
     */
    public void eventLag(String model, long millis) {
        lags.computeIfAbsent(model, this::lagTimer).record(Math.max(0, millis), TimeUnit.MILLISECONDS);
    }

    private Timer lagTimer(String model) {
        return Timer.builder(EVENT_LAG)
                .description("Event time to score of each record: input lag plus processing")
                .tag("model", model)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }

    /**
     * The per-record meters of one model, looked up once per model version (the scoring path keeps the handle), so
     * that the stream thread does no map lookup per record for them.
     */
    public ModelMeters forModel(String model) {
        return new ModelMeters(scoredByModel.computeIfAbsent(model, m -> counter(SCORED, "model", m)),
                scoringTimer(model), lags.computeIfAbsent(model, this::lagTimer));
    }

    /** The meters {@link #scored}, {@link #scoringTimer} and {@link #eventLag} update, for one model. */
    public record ModelMeters(Counter scored, Timer latency, Timer lag) {
        /** As {@link DetectorMetrics#eventLag}. */
        public void eventLag(long millis) {
            lag.record(Math.max(0, millis), TimeUnit.MILLISECONDS);
        }
    }

    /** An input header was not carried to the outputs (too large). */
    public void headerDropped(String header) {
        counter(HEADERS_DROPPED, "header", header).increment();
    }

    public void alert(String model, String severity, String scope) {
        counter(ALERTS, "model", model, "severity", severity, "scope", scope).increment();
    }

    public void suppressed(String model) {
        counter(SUPPRESSED, "model", model).increment();
    }

    public void routed(String subscription) {
        counter(ROUTED, "subscription", subscription).increment();
    }

    public void deadLetter(String reason) {
        counter(DLQ, "reason", reason).increment();
    }

    /** A record of {@code model} skipped for lacking {@code feature} (policy skip); the model is a loaded one. */
    public void skipped(String model, String feature) {
        counter(SKIPPED, "model", model, "feature", feature).increment();
    }

    public void parked(String model) {
        counter(PARKED, "model", model).increment();
    }

    public void swapped(String model) {
        counter(SWAPS, "model", model).increment();
    }

    public void rejected(String model, String reason) {
        counter(REJECTED, "model", model, "reason", reason).increment();
    }

    public void retrainRequested(String model, String reason) {
        counter(RETRAIN, "model", model, "reason", reason).increment();
    }

    public void productionError(String exception, String action) {
        counter(PRODUCTION_ERRORS, "exception", exception, "action", action).increment();
    }

    public void unroutable(String subscription) {
        counter(UNROUTABLE, "subscription", subscription).increment();
    }

    /** @param output score, alert, dead-letter, parked or retrain */
    public void truncated(String output) {
        counter(TRUNCATED, "output", output).increment();
    }

    /** @param output score, alert, dead-letter, parked or retrain */
    public void oversized(String output) {
        counter(OVERSIZED, "output", output).increment();
    }

    /** Registers (once) a gauge of the version in use for {@code model}, read through {@code versionOf}. */
    public <T> void modelVersionGauge(String model, T source, ToDoubleFunction<T> versionOf) {
        Gauge.builder(MODEL_VERSION, source, versionOf).tag("model", model)
                .description("Model version the detector scores with").strongReference(true).register(registry);
    }

    /** Current count of a counter, 0 when it was never incremented (for tests and the admin API). */
    public double count(String name, String... tags) {
        Counter c = registry.find(name).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    /** Sum over all tag values of a counter. */
    public double total(String name) {
        return registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    private Counter counter(String name, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (String t : tags) {
            key.append('\u0000').append(t);
        }
        return counters.computeIfAbsent(key.toString(), k -> Counter.builder(name).description(HELP.get(name)).tags(tags)
                .register(registry));
    }

}
