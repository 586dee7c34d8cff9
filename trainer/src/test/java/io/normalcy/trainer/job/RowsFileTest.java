package io.normalcy.trainer.job;

import io.normalcy.flow.fit.RawRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RowsFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryField() throws Exception {
        List<RawRecord> rows = List.of(
                new RawRecord(Map.of("a", 1.5, "b", -2.0), Map.of("region", "eu"), Map.of("load", 0.25), 17L),
                new RawRecord(Map.of("a", 0.0), Map.of(), Map.of(), -1L));
        Path f = dir.resolve("rows.bin");
        RowsFile.write(f, rows);
        assertEquals(rows, RowsFile.read(f));
    }

    @Test
    void rejectsOtherFiles() throws Exception {
        Path f = Files.writeString(dir.resolve("x.bin"), "hello world");
        assertThrows(java.io.IOException.class, () -> RowsFile.read(f));
    }

    @Test
    void calibrationIndicesAreADeterministicSubsetOfTheRequestedSize() {
        int[] a = Fitting.calibrationIndices(1000, 0.25, 42);
        assertEquals(250, a.length);
        assertEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(Fitting.calibrationIndices(1000, 0.25, 42)));
        assertEquals(250, java.util.Arrays.stream(a).distinct().filter(i -> i >= 0 && i < 1000).count());
    }
}
