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

}
