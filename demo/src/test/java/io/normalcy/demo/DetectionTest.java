package io.normalcy.demo;

import io.normalcy.avro.Severity;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DetectionTest {
    @Test
    void countsAnEventAsFlaggedAtItsLevelAndEveryLowerOne() {
        Map<String, Severity> scored = new HashMap<>();
        scored.put("spike-critical", Severity.CRITICAL);
        scored.put("spike-warning", Severity.WARNING);
        scored.put("broken-missed", Severity.NORMAL);
        scored.put("normal-critical", Severity.CRITICAL);
        scored.put("normal-warning", Severity.WARNING);
        scored.put("normal-1", Severity.NORMAL);
        scored.put("normal-2", Severity.NORMAL);
        Map<String, AnomalyKind> truth = Map.of("spike-critical", AnomalyKind.SPIKE, "spike-warning", AnomalyKind.SPIKE,
                "broken-missed", AnomalyKind.BROKEN_CORRELATION);

        Detection critical = Detection.of(Severity.CRITICAL, scored, truth);
        assertEquals(1, critical.truePositives());
        assertEquals(1, critical.falsePositives());
        assertEquals(2, critical.falseNegatives());
        assertEquals(3, critical.trueNegatives());
        assertEquals(0.5, critical.precision());
        assertEquals(1 / 3.0, critical.recall(), 1e-12);
        assertEquals(0.4, critical.f1(), 1e-12);
        assertEquals(0.5, critical.recall(AnomalyKind.SPIKE));

        Detection warning = Detection.of(Severity.WARNING, scored, truth);
        assertEquals(2, warning.truePositives());
        assertEquals(2, warning.falsePositives());
        assertEquals(1.0, warning.recall(AnomalyKind.SPIKE));
        assertEquals(0.0, warning.recall(AnomalyKind.BROKEN_CORRELATION));
        assertEquals(0.5, warning.falsePositiveRate());
        assertEquals(Double.NaN, warning.recall(AnomalyKind.WRONG_CONTEXT));
    }
}
