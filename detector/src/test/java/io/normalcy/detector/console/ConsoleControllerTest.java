package io.normalcy.detector.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.detector.metrics.DetectorMetrics;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The console's counts come from the detector's own meters, summed by the tag the console shows, largest first, and
 * stay small however many model names parked records invent.
 */
class ConsoleControllerTest {

    @Test
    void countsAreSummedByTagLargestFirst() {
        DetectorMetrics metrics = DetectorMetrics.inMemory();
        metrics.deadLetter("DESERIALIZATION");
        metrics.deadLetter("MISSING_FEATURE");
        metrics.deadLetter("MISSING_FEATURE");
        metrics.alert("payments", "CRITICAL", "event");
        metrics.alert("payments", "CRITICAL", "entity");
        metrics.alert("payments", "WARNING", "event");
        metrics.retrainRequested("payments", "mean-shift");
        metrics.retrainRequested("payments", "alert-rate");

        ConsoleController.Counts c = new ConsoleController(metrics).counts();

        assertEquals(List.of("MISSING_FEATURE", "DESERIALIZATION"), List.copyOf(c.deadLetters().keySet()));
        assertEquals(Map.of("MISSING_FEATURE", 2L, "DESERIALIZATION", 1L), c.deadLetters());
        assertEquals(Map.of("payments/CRITICAL", 2L, "payments/WARNING", 1L), c.alerts(), "scopes summed");
        assertEquals(Map.of("payments", 2L), c.retrainRequests(), "drift kinds summed");
        assertEquals(Map.of(), c.parked());
        assertEquals(0, c.omitted());
    }

    @Test
    void untrustedLabelsAreBounded() {
        DetectorMetrics metrics = DetectorMetrics.inMemory();
        for (int i = 0; i < 80; i++) {
            for (int n = 0; n <= i % 7; n++) {
                metrics.parked("junk-" + i);
            }
        }

        ConsoleController.Counts c = new ConsoleController(metrics).counts();

        assertEquals(ConsoleController.MAX_ENTRIES, c.parked().size());
        assertEquals(80 - ConsoleController.MAX_ENTRIES, c.omitted());
        assertEquals(7L, c.parked().values().iterator().next(), "the largest counts are kept");
    }
}
