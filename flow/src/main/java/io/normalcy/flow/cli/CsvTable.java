package io.normalcy.flow.cli;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A CSV file with a header row, read fully into memory ({@link #read}, for fitting) or one row at a time
 * ({@link Rows}, for scoring), with RFC 4180 quoting via jackson-dataformat-csv. Remembers the line each row starts on, so errors can say {@code input.csv line 17: column 'amount' is not a number}.
 */
final class CsvTable {
    private final String fileName;
    private final List<String> header;
    private final List<String[]> rows;
    private final List<Long> lines;

    private CsvTable(String fileName, List<String> header, List<String[]> rows, List<Long> lines) {
        this.fileName = fileName;
        this.header = header;
        this.rows = rows;
        this.lines = lines;
    }

    static CsvTable read(Path path) {
        try (Rows in = Rows.open(path)) {
            List<String[]> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            Row r;
            while ((r = in.next()) != null) {
                in.checkWidth(r);
                rows.add(r.cells());
                lines.add(r.line());
            }
            return new CsvTable(in.fileName(), in.header(), rows, lines);
        }
    }

    /** One data row as parsed: the line it starts on and its cells (any number; see {@link Rows#checkWidth}). */
    record Row(long line, String[] cells) {
    }

    /**
     * The same CSV read one row at a time, so {@code normalcy score} needs memory for one row however large the
     * file is. The header is read on open; {@link #next()} returns rows of any width so a caller that collects
     * rejects can keep going past a ragged row, and {@link #checkWidth} gives the error {@link #read} would.
     */
    static final class Rows implements AutoCloseable {
        private final String fileName;
        private final Reader reader;
        private final CsvParser parser;
        private final List<String> header;

        private Rows(String fileName, Reader reader) throws IOException {
            this.fileName = fileName;
            this.reader = reader;
            parser = new CsvMapper().getFactory().createParser(reader);
            parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            parser.enable(CsvParser.Feature.TRIM_SPACES);
            parser.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new CliException(fileName + ": empty file (a header row is required)");
            }
            Row first = nextRow();
            if (first == null) {
                throw new CliException(fileName + ": empty file (a header row is required)");
            }
            header = validateHeader(fileName, List.of(first.cells()));
        }

        static Rows open(Path path) {
            String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
            Reader reader;
            try {
                reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException("input file not found: " + path);
            } catch (IOException e) {
                throw new CliException(name + ": cannot read CSV: " + firstLine(e.getMessage()), e);
            }
            return open(reader, name);
        }

        /** Reads from {@code reader} (closed with this), naming it {@code fileName} in errors. */
        static Rows open(Reader reader, String fileName) {
            try {
                return new Rows(fileName, reader);
            } catch (IOException e) {
                closeQuietly(reader);
                throw new CliException(fileName + ": cannot read CSV: " + firstLine(e.getMessage()), e);
            } catch (RuntimeException e) {
                closeQuietly(reader);
                throw e;
            }
        }

        String fileName() {
            return fileName;
        }

        List<String> header() {
            return header;
        }

        /** The next non-blank data row, or null at the end of the file. */
        Row next() {
            try {
                Row r;
                do {
                    r = nextRow();
                } while (r != null && r.cells().length == 1 && r.cells()[0].isEmpty());
                return r;
            } catch (IOException e) {
                throw new CliException(fileName + ": cannot read CSV: " + firstLine(e.getMessage()), e);
            }
        }

        /** A CliException naming the line when {@code row} does not have one cell per header column. */
        void checkWidth(Row row) {
            if (row.cells().length != header.size()) {
                throw new CliException(fileName + " line " + row.line() + ": expected " + header.size()
                        + " columns but found " + row.cells().length);
            }
        }

        private Row nextRow() throws IOException {
            JsonToken t = parser.nextToken();
            if (t == null || t == JsonToken.END_ARRAY) {
                return null;
            }
            if (t != JsonToken.START_ARRAY) {
                throw new CliException(fileName + " line " + parser.currentTokenLocation().getLineNr()
                        + ": unexpected CSV structure");
            }
            long line = -1;
            List<String> cells = new ArrayList<>();
            while (parser.nextToken() == JsonToken.VALUE_STRING) {
                if (line < 0) {
                    // the row's START_ARRAY token reports the previous line; its first cell is exact
                    line = parser.currentTokenLocation().getLineNr();
                }
                cells.add(parser.getText());
            }
            return new Row(line, cells.toArray(String[]::new));
        }

        @Override
        public void close() {
            try {
                parser.close();
            } catch (IOException e) {
                // nothing was written; a failing close of an input loses nothing
            }
            closeQuietly(reader);
        }

        private static void closeQuietly(Reader reader) {
            try {
                reader.close();
            } catch (IOException e) {
                // as above: an input stream
            }
        }
    }

    private static List<String> validateHeader(String name, List<String> cells) {
        Set<String> seen = new HashSet<>();
        for (String c : cells) {
            if (c.isEmpty()) {
                throw new CliException(name + " line 1: empty column name in the header");
            }
            if (!seen.add(c)) {
                throw new CliException(name + " line 1: duplicate column '" + c + "' in the header");
            }
        }
        return List.copyOf(cells);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    String fileName() {
        return fileName;
    }

    List<String> header() {
        return header;
    }

    int size() {
        return rows.size();
    }

    String[] row(int i) {
        return rows.get(i);
    }

    long line(int i) {
        return lines.get(i);
    }

    /** The cell as a finite double, or a CliException naming file, line and column. */
    double number(int row, int col) {
        return number(fileName, header, rows.get(row), line(row), col);
    }

    /** As {@link #number(int, int)} for a row that is not held in a table (streaming). */
    static double number(String fileName, List<String> header, String[] cells, long line, int col) {
        String s = cells[col];
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new CliException(fileName + " line " + line + ": column '" + header.get(col)
                    + "' is not a number: '" + s + "'");
        }
        if (!Double.isFinite(v)) {
            throw new CliException(fileName + " line " + line + ": column '" + header.get(col)
                    + "' is not finite: '" + s + "'");
        }
        return v;
    }
}
