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
 * A CSV file with a header row, read fully into memory (RFC 4180 quoting via jackson-dataformat-csv). Remembers
 * the line each row starts on, so errors can say {@code input.csv line 17: column 'amount' is not a number}.
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
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        CsvMapper mapper = new CsvMapper();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
             CsvParser p = mapper.getFactory().createParser(reader)) {
            p.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            p.enable(CsvParser.Feature.TRIM_SPACES);
            p.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            List<String> header = null;
            List<String[]> rows = new ArrayList<>();
            List<Long> lines = new ArrayList<>();
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new CliException(name + ": empty file (a header row is required)");
            }
            JsonToken t;
            while ((t = p.nextToken()) != null && t != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_ARRAY) {
                    throw new CliException(name + " line " + p.currentTokenLocation().getLineNr()
                            + ": unexpected CSV structure");
                }
                long line = -1;
                List<String> cells = new ArrayList<>();
                while (p.nextToken() == JsonToken.VALUE_STRING) {
                    if (line < 0) {
                        // the row's START_ARRAY token reports the previous line; its first cell is exact
                        line = p.currentTokenLocation().getLineNr();
                    }
                    cells.add(p.getText());
                }
                if (header == null) {
                    header = validateHeader(name, cells);
                    continue;
                }
                if (cells.size() == 1 && cells.get(0).isEmpty()) {
                    continue;
                }
                if (cells.size() != header.size()) {
                    throw new CliException(name + " line " + line + ": expected " + header.size()
                            + " columns but found " + cells.size());
                }
                rows.add(cells.toArray(String[]::new));
                lines.add(line);
            }
            if (header == null) {
                throw new CliException(name + ": empty file (a header row is required)");
            }
            return new CsvTable(name, header, rows, lines);
        } catch (NoSuchFileException e) {
            throw new CliException("input file not found: " + path);
        } catch (IOException e) {
            throw new CliException(name + ": cannot read CSV: " + firstLine(e.getMessage()), e);
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

    /** Index of {@code column}, or a CliException naming it and the available columns. */
    int column(String column, String role) {
        int i = header.indexOf(column);
        if (i < 0) {
            throw new CliException(fileName + ": unknown " + role + " column '" + column + "' (columns: "
                    + String.join(", ", header) + ")");
        }
        return i;
    }

    String cell(int row, int col) {
        return rows.get(row)[col];
    }

    /** The cell as a finite double, or a CliException naming file, line and column. */
    double number(int row, int col) {
        String s = rows.get(row)[col];
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new CliException(fileName + " line " + line(row) + ": column '" + header.get(col)
                    + "' is not a number: '" + s + "'");
        }
        if (!Double.isFinite(v)) {
            throw new CliException(fileName + " line " + line(row) + ": column '" + header.get(col)
                    + "' is not finite: '" + s + "'");
        }
        return v;
    }
}
