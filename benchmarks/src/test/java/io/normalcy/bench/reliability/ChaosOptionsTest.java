package io.normalcy.bench.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** bin/chaos's command line: defaults, --quick, explicit values winning, pass-through props and clear errors. */
class ChaosOptionsTest {
    private static String error(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> ChaosOptions.parse(args)).getMessage();
    }

    @Test
    void defaultsAndQuickWithExplicitValuesWinning() {
        ChaosOptions d = ChaosOptions.parse(new String[0]);
        assertEquals(ChaosOptions.ALL_CASES, d.cases);
        assertEquals(Duration.ofSeconds(60), d.trafficTime);
        assertEquals(Path.of("benchmarks", "results", "reliability"), d.out);
        assertTrue(d.apiKey != null && !d.apiKey.isBlank(), "a key of the run's own when none is given");

        ChaosOptions q = ChaosOptions.parse(new String[] {"--seconds", "12", "--quick", "--fuzz-copies", "2"});
        assertTrue(q.quick);
        assertEquals(Duration.ofSeconds(12), q.trafficTime, "explicit --seconds wins over --quick, wherever it stands");
        assertEquals(2, q.fuzzCopies);
        assertEquals(Duration.ofMinutes(1), q.soakTime, "--quick's soak");
        assertEquals(Path.of("benchmarks", "results", "reliability", "quick"), q.out);
        assertEquals(Path.of("x"), ChaosOptions.parse(new String[] {"--quick", "--out", "x"}).out);
    }

    @Test
    void casesKeepTheRunOrderAndPropsAccumulate() {
        ChaosOptions o = ChaosOptions.parse(new String[] {"--cases", "fuzz, kill", "--detector-prop", "a.b=1",
            "--detector-prop", "c={instance}", "--broker-prop", "x=y=z", "--api-key", "k", "--seed", "7",
            "--seed", "8"});
        assertEquals(List.of("kill", "fuzz"), o.cases);
        assertEquals(Map.of("a.b", "1", "c", "{instance}"), o.detectorProps);
        assertEquals(Map.of("x", "y=z"), o.brokerProps);
        assertEquals("k", o.apiKey);
        assertEquals(8, o.seed, "a repeated option takes its last value");
    }

    @Test
    void badValuesStopWithAnErrorNamingTheOption() {
        assertTrue(error("--rate", "0").startsWith("--rate must be >= 1"));
        assertTrue(error("--soak-minutes", "0").startsWith("--soak-minutes must be > 0"));
        assertTrue(error("--cases", "kill,nope").startsWith("unknown case 'nope' in --cases"));
        assertTrue(error("--detector-prop", "novalue").startsWith("--detector-prop wants key=value"));
        assertTrue(error("--partitions", "x").startsWith("Invalid value for option '--partitions'"));
        assertTrue(error("--bogus", "1").startsWith("Unknown option"), error("--bogus", "1"));
        assertTrue(error("--out").startsWith("Missing required parameter for option '--out'"));
    }
}
