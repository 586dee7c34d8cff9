package io.normalcy.detector.drift;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.detector.config.DriftSettings;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DriftMonitorTest {
    private static final DriftSettings SETTINGS = new DriftSettings(true, 1000, 500, 3.0, 2.0, Duration.ofHours(1));

    /** Stationary traffic flagged at the expected 1% rate never triggers. */
    @Test
    void calibratedTrafficDoesNotTrigger() {
        DriftMonitor m = new DriftMonitor(SETTINGS);
        Random rng = new Random(1);
        for (int i = 0; i < 20_000; i++) {
            assertTrue(m.observe("m", 1, 0.01, -5.0, rng.nextDouble() < 0.01, -5.0 + rng.nextGaussian(), i * 1000L)
                    .isEmpty());
        }
    }

    @Test
    void alertRateAboveKTimesLevelTriggersOncePerRateLimit() {
        DriftMonitor m = new DriftMonitor(SETTINGS);
        Random rng = new Random(2);
        int requests = 0;
        // 10% flagged = 10x the 1% level; 30 minutes of event time at 100 ms per record
        for (int i = 0; i < 18_000; i++) {
            if (m.observe("m", 1, 0.01, Double.NaN, rng.nextDouble() < 0.10, -5, i * 100L).isPresent()) {
                requests++;
            }
        }
        assertEquals(1, requests, "rate limit: one request per hour of event time");
        // two hours later the drift persists: one more
        Drift drift = null;
        for (int i = 0; i < 1000 && drift == null; i++) {
            drift = m.observe("m", 1, 0.01, Double.NaN, true, -5, 3 * 3_600_000L + i).orElse(null);
        }
        assertNotNull(drift);
        assertEquals(Drift.Kind.ALERT_RATE, drift.kind());
        assertTrue(drift.description().contains("alert rate"), drift.description());
    }

    @Test
    void meanShiftTriggersAndNeedsMinRecords() {
        DriftMonitor m = new DriftMonitor(SETTINGS);
        Drift drift = null;
        int at = -1;
        for (int i = 0; i < 1000 && drift == null; i++) {
            drift = m.observe("m", 1, 0.01, -5.0, false, -8.0, i).orElse(null);
            at = i;
        }
        assertNotNull(drift);
        assertEquals(SETTINGS.minRecords() - 1, at, "first evaluation after min-records");
        assertEquals(Drift.Kind.MEAN_SHIFT, drift.kind());
        assertTrue(drift.description().contains("mean log-density"), drift.description());
    }

    @Test
    void newVersionRestartsTheWindow() {
        DriftMonitor m = new DriftMonitor(SETTINGS);
        for (int i = 0; i < 499; i++) {
            assertTrue(m.observe("m", 1, 0.01, Double.NaN, true, -5, i).isEmpty());
        }
        // version 2 arrives: its window starts empty, so 499 more flagged records are still below min-records
        for (int i = 0; i < 499; i++) {
            assertTrue(m.observe("m", 2, 0.01, Double.NaN, true, -5, 1000 + i).isEmpty());
        }
        assertTrue(m.observe("m", 2, 0.01, Double.NaN, true, -5, 2000).isPresent());
    }

    @Test
    void disabledNeverTriggers() {
        DriftMonitor m = new DriftMonitor(new DriftSettings(false, 10, 1, 2.0, 0, Duration.ZERO));
        for (int i = 0; i < 100; i++) {
            assertTrue(m.observe("m", 1, 0.01, Double.NaN, true, -50, i).isEmpty());
        }
    }
}
