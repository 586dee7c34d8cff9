package io.normalcy.detector.drift;

import java.util.Locale;

/**
 * A model that no longer fits its traffic, as {@link DriftMonitor} found it: which signal fired ({@link Kind}, the
 * {@code reason} tag of {@code normalcy.retrain.requested}) and the numbers behind it (the retrain request's reason,
 * for the person reading the training status).
 *
 * @param kind        the signal
 * @param description the window's figures against the expected ones
 */
public record Drift(Kind kind, String description) {
    /** The two signals of {@link DriftMonitor}. */
    public enum Kind {
        /** More records at or above WARNING than k × the calibrated warning level. */
        ALERT_RATE,
        /** The window's mean log-density moved more than Δ nats from the held-out mean. */
        MEAN_SHIFT;

        /** The metric tag: {@code alert-rate}, {@code mean-shift}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }
}
