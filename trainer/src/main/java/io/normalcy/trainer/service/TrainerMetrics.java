package io.normalcy.trainer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Trainer metrics (exposed at {@code /prometheus}): training duration and outcome, training throughput,
 * validation NLL of the last published model, records skipped by reason. Tagged by model.
 */
public final class TrainerMetrics {
    private final MeterRegistry registry;
    private final Map<String, AtomicReference<Double>> validationNll = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> samplesPerSecond = new ConcurrentHashMap<>();

    public TrainerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void training(String model, String outcome, Duration d) {
        Timer.builder("normalcy.trainer.training.duration").description("Wall time of a training, reading to publishing")
                .tags("model", model, "outcome", outcome).register(registry).record(d);
    }

    public void skipped(String model, Map<String, Long> byReason) {
        byReason.forEach((reason, n) -> Counter.builder("normalcy.trainer.records.skipped")
                .description("Input records not used for training, by reason")
                .tags("model", model, "reason", reason).register(registry).increment(n));
    }

    public void used(String model, long n) {
        Counter.builder("normalcy.trainer.records.used").description("Input records used for training (train,"
                + " validation and calibration)").tags("model", model).register(registry).increment(n);
    }

    public void published(String model, double valNll, double sps) {
        gauge("normalcy.trainer.validation.nll", "Validation NLL (nats/event) of the last published model",
                validationNll, model).set(valNll);
        gauge("normalcy.trainer.samples.per.second", "Training throughput of the last training (records/s)",
                samplesPerSecond, model).set(sps);
    }

    private AtomicReference<Double> gauge(String name, String description, Map<String, AtomicReference<Double>> map,
                                          String model) {
        return map.computeIfAbsent(model, m -> {
            AtomicReference<Double> ref = new AtomicReference<>(Double.NaN);
            Gauge.builder(name, ref, r -> r.get()).description(description).tags("model", m).register(registry);
            return ref;
        });
    }
}
