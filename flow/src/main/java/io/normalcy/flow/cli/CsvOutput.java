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
        this(open(path), header);
    }

    private static Writer open(Path path) throws IOException {
        Path abs = path.toAbsolutePath();
        if (abs.getParent() != null) {
            Files.createDirectories(abs.getParent());
        }
        return Files.newBufferedWriter(abs, StandardCharsets.UTF_8);
    }

    /** Writes to {@code writer} (closed with this); the header is written at once. */
    CsvOutput(Writer writer, List<String> header) throws IOException {
        this.writer = writer;
        seq = new CsvMapper().writerFor(String[].class).with(CsvSchema.emptySchema().withLineSeparator("\n"))
                .writeValues(writer);
        seq.write(header.toArray(String[]::new));
    }

    void write(String[] row) throws IOException {
        seq.write(row);
    }

    /** One row as a CSV line without its line break (the raw row of a reject). */
    static String line(String[] cells) {
        try {
            return new CsvMapper().writerFor(String[].class).with(CsvSchema.emptySchema().withLineSeparator(""))
                    .writeValueAsString(cells);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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
