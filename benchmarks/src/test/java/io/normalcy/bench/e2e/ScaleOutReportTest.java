package io.normalcy.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.bench.e2e.ScaleOutOptions.Shape;
import io.normalcy.bench.e2e.StreamsRun.Kind;
import io.normalcy.bench.e2e.StreamsRun.Result;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scale-out report's arithmetic: detector vs broker CPU, per-CPU rates, speed-up against the first shape. */
class ScaleOutReportTest {

    private static ScaleOutReport.Run run(Shape shape, long records, double seconds, double stream, double io,
                                          double broker, double jvm) {
        Map<String, Double> cpu = Map.of("stream", stream, "streams-io", io, "broker", broker, "jvm", jvm,
                "harness", 0.0, "process", stream + io + broker + jvm, "jit.ms", 0.0);
        Result r = new Result(16, Kind.DETECTOR, "d16-" + shape, records, 1, seconds, cpu,
                new Latency.Stats(100, 50, 150, 200), records, 0, 0, 0);
        return new ScaleOutReport.Run(shape, r, "1.00 2.00 3.00", "4.00 5.00 6.00");
    }

    @Test
    void detectorCpuIsStreamPlusStreamsIoPlusJvmAndExcludesTheBroker() {
        ScaleOutReport.Run r = run(new Shape(1, 1), 100_000, 10, 1.5, 0.25, 1.0, 0.25);
        assertEquals(2.0, r.detectorCpu(), 1e-12);
        assertEquals(50_000, r.perDetectorCpuSecond(), 1e-6);
        assertEquals(1e-5, r.brokerCpuPerRecord(), 1e-15);
        assertEquals(0.15, r.streamCores(), 1e-12);
        assertEquals(0.3, r.processCores(), 1e-12);
    }

    @Test
    void speedUpIsMeanWallRateAgainstTheFirstConfiguration() {
        Shape one = new Shape(1, 1);
        Shape two = new Shape(2, 1);
        List<ScaleOutReport.Run> runs = List.of(run(one, 100_000, 10, 1, 0, 0, 0), run(two, 100_000, 8, 1, 0, 0, 0),
                run(two, 100_000, 4, 1, 0, 0, 0), run(one, 100_000, 10, 1, 0, 0, 0));
        // 2x1: (12,500 + 25,000) / 2 = 18,750 vs 10,000
        assertEquals(1.875, ScaleOutReport.speedUp(runs, two), 1e-12);
        assertEquals(1.0, ScaleOutReport.speedUp(runs, one), 1e-12);
        String md = ScaleOutReport.markdown(runs, "test");
        assertTrue(md.contains("| 2 × 1 | 18750 (12500, 25000) | 1.88× |"), md);
        assertTrue(md.contains("1.00 → 4.00; 1.00 → 4.00"), md);
        assertEquals(5, ScaleOutReport.csv(runs).lines().count());
    }
}
