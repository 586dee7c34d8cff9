package io.normalcy.flow.fit;

import io.normalcy.flow.model.Severity;
import java.util.Objects;

/**
 * A threshold level to calibrate: the fraction of normal (held-out) traffic that should fall below the
 * threshold, and the severity of crossing it. Defaults are 0.01 → WARNING and 0.001 → CRITICAL.
 */
public record AlertLevel(double level, Severity severity) {
    public AlertLevel {
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("alert level must be in (0, 1): " + level);
        }
        Objects.requireNonNull(severity, "severity");
        if (severity == Severity.NORMAL) {
            throw new IllegalArgumentException("alert level " + level + " must have severity WARNING or CRITICAL");
        }
    }
}
