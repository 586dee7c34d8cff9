package io.normalcy.flow.cli;

import io.normalcy.flow.preprocess.ContextSpec.CyclicField;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.schemas.TimeParser;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which CSV columns feed which part of a {@link RawRecord}: features, categorical context, numeric context
 * (read for cyclic and numeric context fields) and the optional event-time column (read by {@link TimeParser}, the
 * same parser as the trainer's). Resolves every name against
 * the header up front, so an unknown column fails before any work with a message listing the header.
 */
final class InputColumns {
    private final CsvTable table;
    private final String fileName;
    private final List<String> header;
    private final List<String> features;
    private final int[] featureCols;
    private final List<String> categorical;
    private final int[] categoricalCols;
    private final List<String> numeric;
    private final int[] numericCols;
    private final int timeCol;
    private final TimeParser times;
    /** Features whose empty cell means "missing" (left out of the record) rather than an error. */
    private java.util.Set<String> optional = java.util.Set.of();

    InputColumns(CsvTable table, List<String> features, List<String> categorical, List<String> numericContext,
                 String timeColumn, TimeParser times) {
        this(table, table.fileName(), table.header(), features, categorical, numericContext, timeColumn, times);
    }

    /** For rows read one at a time ({@link CsvTable.Rows}): {@link #record(String[], long)} only. */
    InputColumns(CsvTable.Rows rows, List<String> features, List<String> categorical, List<String> numericContext,
                 String timeColumn, TimeParser times) {
        this(null, rows.fileName(), rows.header(), features, categorical, numericContext, timeColumn, times);
    }

    private InputColumns(CsvTable table, String fileName, List<String> header, List<String> features,
                         List<String> categorical, List<String> numericContext, String timeColumn,
                         TimeParser times) {
        this.table = table;
        this.fileName = fileName;
        this.header = header;
        this.times = times;
        this.features = List.copyOf(features);
        this.categorical = List.copyOf(categorical);
        this.numeric = List.copyOf(numericContext);
        featureCols = resolve(features, "feature");
        categoricalCols = resolve(categorical, "context");
        numericCols = resolve(numericContext, "numeric context");
        timeCol = timeColumn == null ? -1 : column(timeColumn, "time");
    }

    private int[] resolve(List<String> names, String role) {
        int[] cols = new int[names.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = column(names.get(i), role);
        }
        return cols;
    }

    /** Index of {@code column}, or a CliException naming it and the available columns. */
    private int column(String column, String role) {
        int i = header.indexOf(column);
        if (i < 0) {
            throw new CliException(fileName + ": unknown " + role + " column '" + column + "' (columns: "
                    + String.join(", ", header) + ")");
        }
        return i;
    }

    /**
     * Features that may be missing: an empty cell of one of them leaves it out of the record, so the model's
     * missing-value policy (impute or skip) applies, as in the detector; any other empty cell stays an error.
     */
    InputColumns optional(java.util.Set<String> names) {
        optional = java.util.Set.copyOf(names);
        return this;
    }

    RawRecord record(int row) {
        return record(table.row(row), table.line(row));
    }

    /** The record of one row of {@code header}'s width, or a CliException naming the line and column. */
    RawRecord record(String[] cells, long line) {
        Map<String, Double> f = new LinkedHashMap<>();
        for (int i = 0; i < featureCols.length; i++) {
            if (cells[featureCols[i]].isBlank() && optional.contains(features.get(i))) {
                continue;
            }
            f.put(features.get(i), CsvTable.number(fileName, header, cells, line, featureCols[i]));
        }
        Map<String, String> c = new HashMap<>();
        for (int i = 0; i < categoricalCols.length; i++) {
            c.put(categorical.get(i), cells[categoricalCols[i]]);
        }
        Map<String, Double> n = new HashMap<>();
        for (int i = 0; i < numericCols.length; i++) {
            n.put(numeric.get(i), CsvTable.number(fileName, header, cells, line, numericCols[i]));
        }
        long time = 0L;
        if (timeCol >= 0) {
            String subject = fileName + " line " + line + ": column '" + header.get(timeCol) + "'";
            try {
                time = times.toEpochMilli(cells[timeCol], subject);
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
        }
        return new RawRecord(f, c, n, time);
    }

    List<RawRecord> records() {
        List<RawRecord> out = new ArrayList<>(table.size());
        for (int r = 0; r < table.size(); r++) {
            out.add(record(r));
        }
        return out;
    }
}
