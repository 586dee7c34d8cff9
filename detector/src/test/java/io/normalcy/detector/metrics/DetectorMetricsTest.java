package io.normalcy.detector.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Labels taken from untrusted input stay bounded. */
class DetectorMetricsTest {

    @Test
    void parkedAndRejectedModelLabelsAreCapped() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        DetectorMetrics metrics = new DetectorMetrics(registry);
        for (int i = 0; i < 3 * DetectorMetrics.MAX_UNTRUSTED_MODELS; i++) {
            metrics.parked("junk-model-" + i);
            metrics.rejected("junk-key-" + i, "undecodable");
        }
        assertEquals(DetectorMetrics.MAX_UNTRUSTED_MODELS, registry.find(DetectorMetrics.PARKED).counters().size());
        assertEquals(DetectorMetrics.MAX_UNTRUSTED_MODELS, registry.find(DetectorMetrics.REJECTED).counters().size());
        metrics.scored("payments");
        assertEquals(1.0, metrics.count(DetectorMetrics.SCORED, "model", "payments"), "other metrics unaffected");
    }
}
