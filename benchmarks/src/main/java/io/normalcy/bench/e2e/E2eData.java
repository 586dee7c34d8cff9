package io.normalcy.bench.e2e;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.FitResult;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.state.ModelStateMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The end-to-end benchmark's data and model. One synthetic source serves both the training rows and the events the
 * detector scores, so the model is trained on the traffic it sees (calibrated thresholds: ~1 % of events reach
 * WARNING, as in production, rather than every event being an alert or none). Features {@code f00..f(D-1)} are a
 * nonlinear autoregressive chain whose mean depends on a categorical context ({@code shop}, 5 values) and the hour
 * of the event time (the cyclic context {@code @hourOfDay}); the encoded context is 5 + 1 (unknown) + 2 = 8 wide,
 * as in {@code BenchModels}. Deterministic for a given seed.
 */
final class E2eData {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    static final int SHOPS = 5;
    /** Distinct entities (keys): spreads records over partitions and the cool-down store like real traffic. */
    static final int ENTITIES = 1000;
    /** Event-time step between consecutive events. */
    static final long STEP_MS = 50;

    private final int dim;
    private final String model;
    private final List<String> names;

    E2eData(int dim) {
        this.dim = dim;
        this.model = "bench-d" + dim;
        List<String> n = new ArrayList<>();
        for (int i = 0; i < dim; i++) {
            n.add(String.format("f%02d", i));
        }
        this.names = List.copyOf(n);
    }

    String model() {
        return model;
    }

    int dim() {
        return dim;
    }

    /** Event {@code i}'s features, drawn from {@code rng}; {@code shop} and hour come from {@code i}. */
    Map<String, Double> features(long i, Random rng) {
        int shop = shop(i);
        double hour = 2 * Math.PI * hourOf(i) / 24.0;
        Map<String, Double> f = new HashMap<>(dim * 2);
        double prev = 0;
        for (int k = 0; k < dim; k++) {
            double v = 0.5 * Math.sin(prev) + 0.3 * shop - 0.6 + 0.8 * Math.sin(hour) * (k % 2)
                    + rng.nextGaussian() * (0.5 + 0.1 * (k % 3));
            f.put(names.get(k), v);
            prev = v;
        }
        return f;
    }

    /** A hash of the index, not {@code i mod 5}: the training rows are a strided subset of the indices. */
    static int shop(long i) {
        return Math.floorMod(Long.hashCode(i * 0x9E3779B97F4A7C15L), SHOPS);
    }

    static long eventTime(long i) {
        return T0.toEpochMilli() + i * STEP_MS;
    }

    static int hourOf(long i) {
        return (int) ((eventTime(i) / 3_600_000L) % 24);
    }

    /** Event {@code i} as the detector receives it. */
    FeatureVector event(long i, Random rng) {
        return FeatureVector.newBuilder().setModel(model).setEntity("e" + (i % ENTITIES))
                .setEventTime(Instant.ofEpochMilli(eventTime(i))).setFeatures(features(i, rng))
                .setContext(Map.of("shop", "s" + shop(i))).setContextNumeric(Map.of()).setAttributes(Map.of())
                .setEventId("ev-" + i).build();
    }

    /**
     * Trains the detector's model: conditional MAF_MOG with {@code blocks} blocks of one hidden layer of width
     * {@code hidden} (the harnesses' default 5 × [128]; the kernel's cost scales with the weights it reads per record,
     * so the end-to-end ratio depends on the model's size), on {@code rows} events spread over two simulated days
     * (index stride so every hour is covered), 60 % train / 10 % validation / 30 % calibration.
     */
    ModelVersion train(int rows, int epochs, long seed, int blocks, int hidden) {
        Random rng = new Random(seed);
        List<RawRecord> data = new ArrayList<>(rows);
        long stride = Math.max(1, 2 * 86_400_000L / STEP_MS / rows);
        for (int r = 0; r < rows; r++) {
            long i = r * stride;
            data.add(new RawRecord(features(i, rng), Map.of("shop", "s" + shop(i)), Map.of(), eventTime(i)));
        }
        FitConfig config = FitConfig.builder().features(names).categoricalContext(List.of("shop"))
                .cyclicContext(List.of(new ContextSpec.CyclicField("hour", ContextSpec.HOUR_OF_DAY, 24)))
                .blocks(blocks).hidden(hidden).epochs(epochs).patience(epochs).batchSize(256).learningRate(1e-3)
                .trainFraction(0.6).validationFraction(0.1).seed(seed).build();
        FitResult fit = new ModelFitter().fit(model, 1, data, config, null);
        return ModelStateMapper.toState(fit.model());
    }
}
