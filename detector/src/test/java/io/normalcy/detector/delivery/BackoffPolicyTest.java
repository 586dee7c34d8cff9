package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffPolicyTest {
    private static Duration ms(long v) {
        return Duration.ofMillis(v);
    }

    @Test
    void growsExponentiallyUpToTheCap() {
        BackoffPolicy p = new BackoffPolicy(7, ms(100), ms(1000), 2.0);
        List<Duration> delays = new ArrayList<>();
        for (int n = 1; n <= 6; n++) {
            delays.add(p.delayAfter(n));
        }
        assertEquals(List.of(ms(100), ms(200), ms(400), ms(800), ms(1000), ms(1000)), delays);
        assertEquals(ms(3500), p.totalDelay());
    }

    @Test
    void attemptsAreBounded() {
        BackoffPolicy p = new BackoffPolicy(3, ms(10), ms(10), 1.0);
        assertTrue(p.retryAfter(1));
        assertTrue(p.retryAfter(2));
        assertFalse(p.retryAfter(3));
        assertFalse(new BackoffPolicy(1, ms(10), ms(10), 2).retryAfter(1));
        assertEquals(Duration.ZERO, new BackoffPolicy(1, ms(10), ms(10), 2).totalDelay());
    }

    @Test
    void worstCaseIsEveryAttemptTimingOutPlusAllWaits() {
        BackoffPolicy p = new BackoffPolicy(3, ms(500), ms(30_000), 3.0);
        // attempts: 3 × 2 s; waits: 500 ms + 1500 ms
        assertEquals(ms(8000), p.worstCase(Duration.ofSeconds(2)));
    }

    @Test
    void hugeAttemptNumbersStayAtTheCap() {
        BackoffPolicy p = new BackoffPolicy(100, ms(1), ms(5000), 10.0);
        assertEquals(ms(5000), p.delayAfter(99));
        assertEquals(ms(5000), p.delayAfter(5000));
    }

    @Test
    void rejectsInvalidSettings() {
        assertThrows(IllegalArgumentException.class, () -> new BackoffPolicy(0, ms(1), ms(1), 2));
        assertThrows(IllegalArgumentException.class, () -> new BackoffPolicy(1, ms(0), ms(1), 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BackoffPolicy(1, ms(10), ms(5), 2));
        assertTrue(e.getMessage().contains("max back-off"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BackoffPolicy(1, ms(1), ms(1), 0.5));
        assertThrows(IllegalArgumentException.class, () -> new BackoffPolicy(1, ms(1), ms(1), Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new BackoffPolicy(2, ms(1), ms(1), 2).delayAfter(0));
    }
}
