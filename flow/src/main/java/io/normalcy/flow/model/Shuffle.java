package io.normalcy.flow.model;

import java.util.Random;

/**
 * Seeded Fisher–Yates shuffle of an int array: random MADE orderings and permutations (FlowSpec), mini-batch
 * order (training) and the calibration split all draw from it, so a seed fixes them bit for bit.
 */
public final class Shuffle {
    private Shuffle() {
    }

    /** Shuffles {@code a} in place with {@code rng}. */
    public static void inPlace(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
