package io.normalcy.trainer.history;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.normalcy.avro.FeatureVector;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.schemas.TimeParser;
import io.normalcy.schemas.derived.HistoryLimit;
import io.normalcy.trainer.config.ModelDefinition;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * History from a file: an Avro container file of {@code FeatureVector} ({@code .avro}; records of other
 * models are ignored) or a CSV file with a header row. CSV columns: the model's categorical context fields
 * → context; numeric context fields and non-calendar cyclic sources → numeric context; {@code eventTime}
 * (read by {@link TimeParser}: ISO-8601, {@code 2014-07-01 00:00:00} in the given zone, epoch seconds or millis;
 * an empty or unreadable time makes the row {@link SkipReason#INVALID_VALUE}, it is never epoch 0) → event
 * time; {@code model} → rows of other models are ignored; {@code entity} → whose history derived features come
 * from (rows without one share one history); {@code eventId} ignored; every other column is a feature (or only the declared features when the model
 * declares them; an undeclared extra column then makes every row {@link SkipReason#WRONG_FEATURE_SET}).
 * Empty cells are missing values; cells that are not numbers are {@link SkipReason#INVALID_VALUE}.
 */
public final class FileHistorySource {
    private static final Set<String> IGNORED = Set.of("entity", "eventId", "model", "eventTime");

    private FileHistorySource() {
    }

    /** {@link #read(Path, ModelDefinition, Long, Long, long, TimeParser)} with times without offset in UTC. */
    public static History read(Path file, ModelDefinition def, Long from, Long to, long maxRecords) {
        return read(file, def, from, to, maxRecords, TimeParser.UTC);
    }

    /**
     * @param from    window start in epoch ms (inclusive), null = unbounded
     * @param to      window end in epoch ms (exclusive), null = unbounded
     * @param times   reads the CSV {@code eventTime} cells; its zone applies to times without an offset
     */
    public static History read(Path file, ModelDefinition def, Long from, Long to, long maxRecords,
                               TimeParser times) {
        return read(file, def, from, to, maxRecords, times, HistoryLimit.DEFAULT);
    }

    /** @param limit bound of each entity's history for derived features ({@code normalcy.trainer.history.*}) */
    public static History read(Path file, ModelDefinition def, Long from, Long to, long maxRecords,
                               TimeParser times, HistoryLimit limit) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("input file not found: " + file);
        }
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        HistoryCollector c = new HistoryCollector(def, maxRecords, limit);
        try {
            if (name.endsWith(".avro")) {
                readAvro(file, def, from, to, c);
            } else if (name.endsWith(".csv")) {
                readCsv(file, def, from, to, c, times);
            } else {
                throw new IllegalArgumentException("unsupported input file '" + file + "': use .csv or .avro");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new History(c.rows(), c.features(), c.skips(), c.offered(), c.dropped(), Map.of(), from, to,
                "file " + file);
    }

    private static void readAvro(Path file, ModelDefinition def, Long from, Long to, HistoryCollector c) throws IOException {
        try (DataFileReader<FeatureVector> reader = new DataFileReader<>(file.toFile(),
                new SpecificDatumReader<>(FeatureVector.class))) {
            long i = 0;
            for (FeatureVector v : reader) {
                i++;
                if (!def.name().equals(v.getModel()) || !inWindow(v.getEventTime().toEpochMilli(), from, to)) {
                    continue;
                }
                c.offer(FeatureVectors.toRaw(v), v.getEntity(), file.getFileName() + " record " + i);
            }
        }
    }

    private static void readCsv(Path file, ModelDefinition def, Long from, Long to, HistoryCollector c,
                                TimeParser times) throws IOException {
        CsvRows rows = new CsvRows(def, from, to, c, times, new HashSet<>(def.categoricalContext()),
                new HashSet<>(def.numericSources()));
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             CsvParser p = new CsvMapper().getFactory().createParser(reader)) {
            p.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            p.enable(CsvParser.Feature.TRIM_SPACES);
            p.enable(CsvParser.Feature.SKIP_EMPTY_LINES);
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException("empty file (a header row is required)");
            }
            List<String> header = null;
            while (p.nextToken() == JsonToken.START_ARRAY) {
                long line = -1;
                List<String> cells = new ArrayList<>();
                while (p.nextToken() == JsonToken.VALUE_STRING) {
                    if (line < 0) {
                        line = p.currentTokenLocation().getLineNr(); // the row's first cell, not the previous line end
                    }
                    cells.add(p.getText());
                }
                if (header == null) {
                    header = cells;
                } else {
                    rows.offer(header, cells, file.getFileName() + " line " + line);
                }
            }
            if (header == null) {
                throw new IOException("empty file (a header row is required)");
            }
        }
    }

    /**
     * Turns CSV rows into records: {@code model} and {@code eventTime} columns, the model's categorical and numeric
     * context columns ({@link ModelDefinition#numericSources()}), every other column not {@link #IGNORED} a feature.
     */
    private record CsvRows(ModelDefinition def, Long from, Long to, HistoryCollector c, TimeParser times,
                           Set<String> categorical, Set<String> numeric) {

        void offer(List<String> header, List<String> cells, String where) {
            if (cells.size() != header.size()) {
                c.skip(SkipReason.INVALID_VALUE, where + ": expected " + header.size() + " columns, found " + cells.size());
                return;
            }
            Map<String, Double> features = new HashMap<>();
            Map<String, String> context = new HashMap<>();
            Map<String, Double> ctxNum = new HashMap<>();
            long eventTime = 0;
            String entity = "";
            String bad = null;
            boolean otherModel = false;
            for (int i = 0; i < header.size() && bad == null; i++) {
                String col = header.get(i);
                String cell = cells.get(i);
                if (col.equals("entity")) {
                    entity = cell;
                } else if (col.equals("model")) {
                    otherModel = !cell.isEmpty() && !cell.equals(def.name());
                } else if (col.equals("eventTime")) {
                    try {
                        eventTime = times.toEpochMilli(cell, "column 'eventTime'");
                    } catch (IllegalArgumentException e) {
                        bad = e.getMessage();
                    }
                } else if (categorical.contains(col)) {
                    if (!cell.isEmpty()) {
                        context.put(col, cell);
                    }
                } else if ((numeric.contains(col) || !IGNORED.contains(col)) && !cell.isEmpty()) {
                    bad = number(col, cell, numeric.contains(col) ? ctxNum : features);
                }
            }
            if (otherModel) {
                return;
            }
            if (bad != null) {
                c.skip(SkipReason.INVALID_VALUE, where + ": " + bad);
            } else if (inWindow(eventTime, from, to)) {
                c.offer(new RawRecord(features, context, ctxNum, eventTime), entity, where);
            }
        }

        /** Puts the cell's number into {@code into}; returns the problem, or null. */
        private static String number(String col, String cell, Map<String, Double> into) {
            try {
                into.put(col, Double.parseDouble(cell));
                return null;
            } catch (NumberFormatException e) {
                return "column '" + col + "' = '" + cell + "' is not a number";
            }
        }
    }

    private static boolean inWindow(long t, Long from, Long to) {
        return (from == null || t >= from) && (to == null || t < to);
    }
}
