package io.normalcy.trainer.it;

import io.normalcy.avro.FeatureVector;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic feature vectors with three contexts of clearly different joint distributions:
 * x1 ~ N(mu_r, 1), x2 = 0.8·x1 + N(0, s_r) with (mu, s) = eu (0, 0.5), us (3, 1), apac (-2, 2).
 */
final class Synthetic {
    static final String[] REGIONS = {"eu", "us", "apac"};
    private static final double[] MU = {0, 3, -2};
    private static final double[] S = {0.5, 1, 2};

    private Synthetic() {
    }

    static FeatureVector vector(String model, Random rnd, int region, long eventTime) {
        double x1 = MU[region] + rnd.nextGaussian();
        double x2 = 0.8 * x1 + S[region] * rnd.nextGaussian();
        return FeatureVector.newBuilder().setModel(model).setEntity("e" + rnd.nextInt(1000))
                .setEventTime(Instant.ofEpochMilli(eventTime))
                .setContext(Map.of("region", REGIONS[region]))
                .setFeatures(Map.of("x1", x1, "x2", x2)).build();
    }

    /** n vectors, regions round-robin, event times spread over [start, start + spanMs). */
    static List<FeatureVector> vectors(String model, int n, long seed, long start, long spanMs) {
        Random rnd = new Random(seed);
        List<FeatureVector> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(vector(model, rnd, i % 3, start + (long) ((double) i / n * spanMs)));
        }
        return out;
    }
}
