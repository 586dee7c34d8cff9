package io.normalcy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Severity;
import io.normalcy.demo.MetricsGenerator.Label;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/demo --scenario metrics} end to end, small: raw JSON on two plain topics through the detector's and the
 * trainer's mappings, both models trained through the retrain topic, every stream record scored by both, spikes
 * caught by both and the level shifts only by the model with derived features (issue 12's "done when").
 */
class MetricsDemoIT {
    @Test
    void levelShiftsAreCaughtOnlyWithDerivedFeatures() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);

        MetricsSummary s = DemoApplication.runMetrics(out, "--history", "4800", "--records", "1600", "--epochs", "8");
        String text = captured.toString(StandardCharsets.UTF_8);
        System.out.println(text);

        assertNotNull(s, text);
        assertTrue(s.allScored(), text);
        assertEquals(1600, s.stream());
        assertTrue(s.labels().getOrDefault(Label.SPIKE, 0L) > 0, text);
        assertEquals(MetricsRun.SHIFTS * (long) MetricsGenerator.SHIFT_LABELLED, s.labels().get(Label.LEVEL_SHIFT));
        for (String model : MetricsSummary.MODELS) {
            assertTrue(s.score(model, Severity.CRITICAL, Label.SPIKE).recall() >= 0.9, model + ": " + text);
        }
        assertTrue(s.score(ServiceConfig.DERIVED_MODEL, Severity.WARNING, Label.LEVEL_SHIFT).recall() >= 0.5, text);
        assertTrue(s.score(ServiceConfig.RAW_MODEL, Severity.WARNING, Label.LEVEL_SHIFT).recall() <= 0.1, text);
        assertTrue(s.shiftsCaughtOnlyWithDerived(), text);
        assertTrue(text.contains("level shifts caught only with derived features: YES"), text);
    }
}
