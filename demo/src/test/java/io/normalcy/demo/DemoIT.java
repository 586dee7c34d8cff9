package io.normalcy.demo;

import io.normalcy.avro.Severity;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's demo command end to end ({@code --quick}): in-JVM broker, trainer and detector in their own class
 * loaders, two retrains through the topic. Checks the bookkeeping, the hot swap and the detection quality.
 */
class DemoIT {

    @Test
    void theQuickDemoAccountsForEveryEventSwapsModelsAndCatchesTheInjectedAnomalies() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new Tee(captured, System.out), true, StandardCharsets.UTF_8);

        DemoSummary s = DemoApplication.run(out, "--quick");
        String text = captured.toString(StandardCharsets.UTF_8);

        assertNotNull(s, text);
        assertTrue(s.allAccounted(), "accounted " + s.accounted() + " of " + s.produced());
        assertEquals(DemoOptions.QUICK_HISTORY, s.producedHistory());
        assertEquals(DemoOptions.QUICK_RECORDS, s.producedStream());
        // fresh broker: the history arrives before any model (parked), the stream is scored, nothing is malformed
        assertEquals(DemoOptions.QUICK_HISTORY, s.parked(), text);
        assertEquals(DemoOptions.QUICK_RECORDS, s.scored(), text);
        assertEquals(0, s.deadLettered(), text);

        assertEquals(2, s.models().size(), text);
        assertNotNull(s.swap(), "no hot swap observed: " + text);
        assertTrue(s.swap().to() > s.swap().from());
        assertTrue(s.scoresByVersion().getOrDefault(s.swap().from(), 0L) > 0
                && s.scoresByVersion().getOrDefault(s.swap().to(), 0L) > 0, "both versions scored: " + text);
        assertTrue(s.swap().firstScoreAt() >= s.swap().publishedAt(), "v2 scores only after v2 exists: " + text);

        long anomalies = s.injected().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(Math.round(DemoOptions.QUICK_RECORDS * 0.01), anomalies);
        // v1 learned from the clean history; v2 also from the stream (with its anomalies), so it is allowed to be laxer
        Detection v1 = s.criticalByVersion().get(s.swap().from());
        assertTrue(v1.recall() >= 0.85, "critical recall of v1 " + v1.recall() + ": " + text);
        assertTrue(s.critical().recall() >= 0.7, "critical recall " + s.critical().recall() + ": " + text);
        assertTrue(s.warning().recall() >= s.critical().recall());
        // far better than chance (1% anomalies): most critical alerts are real
        assertTrue(s.critical().precision() >= 0.5, "critical precision " + s.critical().precision());
        // cool-down is off in the demo: one alert per flagged event
        long flagged = s.warning().truePositives() + s.warning().falsePositives();
        assertEquals(flagged, s.alerts().getOrDefault(Severity.WARNING, 0L) + s.alerts().getOrDefault(Severity.CRITICAL, 0L));
        assertTrue(text.contains("Normalcy demo summary"), text);
        System.out.println("DemoIT: quick demo took " + String.format("%.1f", s.totalSeconds()) + " s");
    }

    /** Prints to the console and keeps a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
