package io.normalcy.bench.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The quality harnesses' command line: defaults, --quick, explicit values winning, a clear error per bad value. */
class QualityOptionsTest {
    @Test
    void defaultsAndQuick() {
        QualityOptions d = QualityOptions.parse();
        assertEquals(QualityOptions.TRAIN, d.train());
        assertEquals(QualityOptions.EPOCHS, d.epochs());
        assertEquals(Path.of("benchmarks/results"), d.out());
        assertEquals(0.01, d.anomalyRate());
        assertFalse(d.quick() || d.epochsGiven());
        QualityOptions q = QualityOptions.parse("--train", "3000", "--quick", "--out", "x");
        assertEquals(3000, q.train(), "explicit options win over --quick, wherever --quick stands");
        assertEquals(QualityOptions.QUICK_TEST, q.test());
        assertEquals(QualityOptions.QUICK_CALIBRATION, q.calibration());
        assertEquals(QualityOptions.QUICK_EPOCHS, q.epochs());
        assertEquals(Path.of("x"), q.out());
        assertTrue(q.quick());
        assertFalse(q.epochsGiven(), "--quick's epochs do not cap the default flow");
        assertTrue(QualityOptions.parse("--quick", "--epochs", "4").epochsGiven());
    }

    @Test
    void aRepeatedOptionTakesItsLastValueAsCalibrationFloorAppendsSeed() {
        assertEquals(8, QualityOptions.parse("--seed", "7", "--quick", "--seed", "8").seed());
    }

    @ParameterizedTest
    @CsvSource({
        "--train, 1999, --train must be at least 2000",
        "--test, 999, --test must be at least 1000",
        "--calibration, 10, --calibration must be at least 1000",
        "--epochs, 0, --epochs must be >= 1",
        "--anomaly-rate, 0.5, --anomaly-rate must be in (0, 0.5)",
        "--seed, x, Invalid value for option '--seed'",
        "--train, 1e4, Invalid value for option '--train'",
        "--anomaly-rate, lots, Invalid value for option '--anomaly-rate'",
        "--bogus, 1, Unknown options: '--bogus'"
    })
    void rejectsBadValuesNamingTheOption(String option, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QualityOptions.parse(option, value));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
    }

    @Test
    void rejectsAMissingValueAndPrintsUsageForHelp() {
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> QualityOptions.parse("--quick", "--out"));
        assertTrue(missing.getMessage().startsWith("Missing required parameter for option '--out'"),
                missing.getMessage());
        assertTrue(missing.getMessage().contains("usage: QualityBenchmark"), missing.getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> QualityOptions.parse("--help")).getMessage()
                .startsWith("usage: QualityBenchmark"));
    }
}
