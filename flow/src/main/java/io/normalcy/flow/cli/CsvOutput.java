package io.normalcy.flow.cli;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes a header and rows of strings as RFC 4180 CSV (quoting only where needed). */
final class CsvOutput implements AutoCloseable {
    private final Writer writer;
    private final SequenceWriter seq;

    CsvOutput(Path path, List<String> header) throws IOException {
        Path abs = path.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        writer = Files.newBufferedWriter(abs, StandardCharsets.UTF_8);
        seq = new CsvMapper().writerFor(String[].class).with(CsvSchema.emptySchema().withLineSeparator("\n"))
                .writeValues(writer);
        seq.write(header.toArray(String[]::new));
    }

    void write(String[] row) throws IOException {
        seq.write(row);
    }

    static String number(double v) {
        return Double.toString(v);
    }

    @Override
    public void close() throws IOException {
        seq.close();
        writer.close();
    }
}
