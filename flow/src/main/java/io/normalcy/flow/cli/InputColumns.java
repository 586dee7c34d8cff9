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
    private final List<String> features;
    private final int[] featureCols;
    private final List<String> categorical;
    private final int[] categoricalCols;
    private final List<String> numeric;
    private final int[] numericCols;
    private final int timeCol;
    private final TimeParser times;

    InputColumns(CsvTable table, List<String> features, List<String> categorical, List<String> numericContext,
                 String timeColumn, TimeParser times) {
        this.table = table;
        this.times = times;
        this.features = List.copyOf(features);
        this.categorical = List.copyOf(categorical);
        this.numeric = List.copyOf(numericContext);
        featureCols = resolve(table, features, "feature");
        categoricalCols = resolve(table, categorical, "context");
        numericCols = resolve(table, numericContext, "numeric context");
        timeCol = timeColumn == null ? -1 : table.column(timeColumn, "time");
    }

    private static int[] resolve(CsvTable t, List<String> names, String role) {
        int[] cols = new int[names.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = t.column(names.get(i), role);
        }
        return cols;
    }

    RawRecord record(int row) {
        Map<String, Double> f = new LinkedHashMap<>();
        for (int i = 0; i < featureCols.length; i++) {
            f.put(features.get(i), table.number(row, featureCols[i]));
        }
        Map<String, String> c = new HashMap<>();
        for (int i = 0; i < categoricalCols.length; i++) {
            c.put(categorical.get(i), table.cell(row, categoricalCols[i]));
        }
        Map<String, Double> n = new HashMap<>();
        for (int i = 0; i < numericCols.length; i++) {
            n.put(numeric.get(i), table.number(row, numericCols[i]));
        }
        long time = 0L;
        if (timeCol >= 0) {
            String subject = table.fileName() + " line " + table.line(row) + ": column '" + table.header().get(timeCol)
                    + "'";
            try {
                time = times.toEpochMilli(table.cell(row, timeCol), subject);
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
