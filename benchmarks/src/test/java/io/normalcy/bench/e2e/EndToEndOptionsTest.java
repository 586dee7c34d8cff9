package io.normalcy.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The end-to-end harness's options: the model size defaults to the documented 5 × [128], --quick's sizes, explicit
 * values winning, and an error naming the option for every bad one.
 */
class EndToEndOptionsTest {

    @Test
    void theModelIsFiveBlocksOfOneHundredTwentyEightUnlessGiven() {
        EndToEndOptions o = EndToEndOptions.parse(new String[0]);
        assertEquals(5, o.blocks);
        assertEquals(128, o.hidden);
        assertTrue(o.describe().contains("model 5 blocks x [128]"), o.describe());
    }

    @Test
    void blocksAndHiddenAreTakenAndShownInTheRunDescription() {
        EndToEndOptions o = EndToEndOptions.parse(
                new String[] {"--blocks", "3", "--hidden", "64", "--dims", "8"});
        assertEquals(3, o.blocks);
        assertEquals(64, o.hidden);
        assertTrue(o.describe().contains("model 3 blocks x [64]"), o.describe());
    }

    @Test
    void quickShrinksTheRunAndExplicitOptionsWinWhereverTheyStand() {
        EndToEndOptions o = EndToEndOptions.parse(new String[] {"--records", "5000", "--quick", "--dims", "8, 32",
            "--streams-prop", "a=1", "--streams-prop", "b=x=y", "--out", "r", "--jfr", "j"});
        assertEquals(5000, o.records, "an option before --quick still wins");
        assertEquals(List.of(8, 32), o.dims);
        assertEquals(1, o.reps);
        assertEquals(10_000, o.warmup);
        assertEquals(3, o.latencySeconds);
        assertEquals(1, o.epochs);
        assertEquals(Path.of("r"), o.out);
        assertEquals(Path.of("j"), o.jfrDir);
        assertEquals(Map.of("streams.detector.a", "1", "streams.detector.b", "x=y"), o.streamsOverrides);
        assertEquals(List.of(16), EndToEndOptions.parse(new String[] {"--quick"}).dims);
    }

    @ParameterizedTest
    @CsvSource({
        "--records, x, Invalid value for option '--records'",
        "--dims, '8,a', Invalid value for option '--dims'",
        "--timeout, 1.5, Invalid value for option '--timeout'",
        "--streams-prop, nokey, '--streams-prop' (KEY=VALUE) should be in KEY=VALUE format",
        "--bogus, 1, Unknown options: '--bogus'",
        "--reps, 0, --records, --reps, --partitions must be >= 1",
        "--kernel, gpu, --kernel"
    })
    void rejectsBadValuesNamingTheOption(String option, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EndToEndOptions.parse(new String[] {option, value}));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void rejectsAMissingValueNamingTheOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EndToEndOptions.parse(new String[] {"--quick", "--records"}));
        assertTrue(e.getMessage().startsWith("Missing required parameter for option '--records'"), e.getMessage());
    }
}
