package io.normalcy.detector.delivery;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounded exponential back-off: attempt 1 runs at once; after failed attempt n (1-based, n &lt; maxAttempts) the
 * caller waits {@code min(max, initial × multiplier^(n−1))}. Bounded in both the number of attempts and the single
 * wait, so one unreachable webhook delays the others by a known worst case ({@link #worstCase(Duration)}) instead
 * of forever. No jitter: deliveries of one consumer are sequential per alert, so there is no thundering herd to
 * spread, and deterministic waits keep the policy testable.
 *
 * @param maxAttempts total attempts (≥ 1)
 * @param initial     first wait (&gt; 0)
 * @param max         cap of any single wait (≥ initial)
 * @param multiplier  growth factor (≥ 1)
 */
public record BackoffPolicy(int maxAttempts, Duration initial, Duration max, double multiplier) {

    public BackoffPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("initial back-off must be positive, got " + initial);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max back-off " + max + " must be >= initial back-off " + initial);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
        }
    }

    /** Whether another attempt follows failed attempt {@code failedAttempt} (1-based). */
    public boolean retryAfter(int failedAttempt) {
        return failedAttempt < maxAttempts;
    }

    /** Wait after failed attempt {@code failedAttempt} (1-based), capped at {@link #max()}. */
    public Duration delayAfter(int failedAttempt) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failedAttempt must be >= 1, got " + failedAttempt);
        }
        double millis = initial.toMillis() * Math.pow(multiplier, failedAttempt - 1);
        // pow overflows to +Infinity for large exponents; the cap absorbs it
        return millis >= max.toMillis() ? max : Duration.ofMillis((long) millis);
    }

    /** Sum of all waits of one fully failing delivery. */
    public Duration totalDelay() {
        Duration sum = Duration.ZERO;
        for (int n = 1; n < maxAttempts; n++) {
            sum = sum.plus(delayAfter(n));
        }
        return sum;
    }

    /** Longest one delivery can take when every attempt runs into {@code requestTimeout}. */
    public Duration worstCase(Duration requestTimeout) {
        return requestTimeout.multipliedBy(maxAttempts).plus(totalDelay());
    }
}
