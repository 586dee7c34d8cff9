package io.normalcy.demo;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The properties the demo gives the trainer and the detector, on top of their own {@code application.yml}: the
 * broker, random HTTP ports, this run's API keys ({@link DemoCredentials}), the {@code payments} model definition
 * (the features and context the generator emits), and demo-friendly settings (training in-process, every alert
 * emitted, no drift-triggered retrains, so the only retrains are the two the demo requests).
 */
final class ServiceConfig {
    private ServiceConfig() {
    }

    static Map<String, Object> trainer(String bootstrapServers, Path artifactDir, DemoOptions o,
                                       DemoCredentials credentials) {
        Map<String, Object> p = trainerService(bootstrapServers, artifactDir, credentials);
        String m = "normalcy.trainer.models." + PaymentsModel.MODEL + ".";
        p.put(m + "features", PaymentsModel.FEATURES);
        p.put(m + "integer-features", List.of(PaymentsModel.INTEGER_FEATURE));
        p.put(m + "log1p-features", PaymentsModel.LOG1P_FEATURES);
        p.put(m + "categorical-context", List.of(PaymentsModel.ENTITY_TYPE, PaymentsModel.REGION));
        p.put(m + "min-context-samples", 300);
        p.putAll(demoTraining(m, o, 512));
        return p;
    }

    /** The trainer service itself, without models: broker, port, instance, artifacts, training in-process. */
    private static Map<String, Object> trainerService(String bootstrapServers, Path artifactDir,
                                                      DemoCredentials credentials) {
        Map<String, Object> p = new HashMap<>(credentials.properties());
        p.put("kafka.bootstrap.servers", bootstrapServers);
        p.put("micronaut.server.port", -1);
        p.put("normalcy.trainer.instance-id", "demo-trainer");
        p.put("normalcy.trainer.artifact-dir", artifactDir.toString());
        // in-process: no child JVM start-up and ND4J load per training; the demo JVM exits afterwards anyway
        p.put("normalcy.trainer.isolation", "IN_PROCESS");
        return p;
    }

    /**
     * The demo's training settings for the model whose keys start with {@code m}: hour-of-day context, a 30-day
     * window, a small fixed network (3 blocks of [64, 64]) and few epochs, so the demo trains in seconds.
     */
    private static Map<String, Object> demoTraining(String m, DemoOptions o, int batchSize) {
        Map<String, Object> p = new HashMap<>();
        p.put(m + "cyclic-context", List.of("@hourOfDay"));
        p.put(m + "window", "P30D");
        p.put(m + "blocks", 3);
        p.put(m + "hidden", List.of(64, 64));
        p.put(m + "epochs", o.epochs());
        p.put(m + "batch-size", batchSize);
        p.put(m + "learning-rate", 0.003);
        p.put(m + "patience", 3);
        p.put(m + "validation-fraction", 0.1);
        p.put(m + "calibration-fraction", 0.25);
        p.put(m + "seed", o.seed());
        return p;
    }

    static Map<String, Object> detector(String bootstrapServers, Path stateDir, DemoCredentials credentials) {
        Map<String, Object> p = new HashMap<>(credentials.properties());
        p.put("kafka.bootstrap.servers", bootstrapServers);
        p.put("micronaut.server.port", -1);
        p.put("normalcy.detector.application-id", "normalcy-demo-detector");
        p.put("normalcy.detector.cool-down", "0s");
        p.put("normalcy.detector.drift.enabled", false);
        p.put("normalcy.detector.topic-partitions", DemoKafka.PARTITIONS);
        p.put("kafka.streams.detector.state.dir", stateDir.toString());
        return p;
    }

    /** Topic of the metrics scenario scored by the model with derived features, and that model. */
    static final String METRICS_TOPIC = "host-metrics";
    static final String DERIVED_MODEL = "hosts";
    /** The same records on a second topic, scored by the model on the raw values only (one mapping per topic). */
    static final String METRICS_RAW_TOPIC = "host-metrics-raw";
    static final String RAW_MODEL = "hosts-raw";
    /** Derived per-host features of {@link #DERIVED_MODEL}: each value against the host's last 20 reports. */
    static final String DERIVED = "cpu.mean_20,cpu.std_20,cpu.diff,latency.mean_20,latency.diff,errors.mean_20";

    /** The mapping of the metrics JSON ({@link MetricsGenerator}), the same for the trainer and the detector. */
    static Map<String, Object> metricsMappings(String prefix) {
        Map<String, Object> p = new HashMap<>();
        for (String[] tm : new String[][] {{METRICS_TOPIC, DERIVED_MODEL}, {METRICS_RAW_TOPIC, RAW_MODEL}}) {
            String k = prefix + ".mappings." + tm[0] + ".";
            p.put(k + "model", tm[1]);
            p.put(k + "entity", "host");
            p.put(k + "event-time", "ts");
            p.put(k + "event-id", "id");
            p.put(k + "features.cpu", "metrics.cpu");
            p.put(k + "features.latency", "metrics.latency_ms");
            p.put(k + "features.errors", "metrics.errors");
        }
        return p;
    }

    /** The trainer of the metrics scenario: both models, the same hyper-parameters, one with derived features. */
    static Map<String, Object> metricsTrainer(String bootstrapServers, Path artifactDir, DemoOptions o,
                                              DemoCredentials credentials) {
        Map<String, Object> p = trainerService(bootstrapServers, artifactDir, credentials);
        p.putAll(metricsMappings("normalcy.trainer"));
        for (String model : List.of(RAW_MODEL, DERIVED_MODEL)) {
            String m = "normalcy.trainer.models." + model + ".";
            p.put(m + "features", List.of("cpu", "latency", "errors"));
            p.put(m + "integer-features", List.of("errors"));
            p.put(m + "log1p-features", List.of("latency", "errors"));
            p.putAll(demoTraining(m, o, 256));
        }
        p.put("normalcy.trainer.models." + DERIVED_MODEL + ".derived", DERIVED);
        return p;
    }

    static Map<String, Object> metricsDetector(String bootstrapServers, Path stateDir, DemoCredentials credentials) {
        Map<String, Object> p = detector(bootstrapServers, stateDir, credentials);
        p.putAll(metricsMappings("normalcy.detector"));
        return p;
    }
}
