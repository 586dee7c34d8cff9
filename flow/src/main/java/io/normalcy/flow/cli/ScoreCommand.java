package io.normalcy.flow.cli;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.ExpectedRanges;
import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.state.ModelFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code normalcy score}: log p(x | c) of every CSV row in original units, its severity under the calibrated
 * thresholds and the per-feature contributions (which sum to the log-density). For flagged rows (or every row, see
 * {@code --expected-ranges}) each feature's expected range — the central interval of its exact conditional
 * p(x_i | x_&lt;i, c) under the model, {@link ExpectedRanges} — and a sentence for the most surprising feature, as in
 * the detector's alerts. Models without exact conditionals (RealNVP, permutations, LU) leave them empty.
 * Streams: one row is read, scored and written at a time, so files larger than memory can be scored;
 * {@code --rejects FILE} sets aside rows that cannot be scored instead of stopping at the first.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a CSV: adds log_density, severity, p_value, one contrib_<feature> column per feature, "
                + "expected_low_<feature>/expected_high_<feature> per feature and an explanation sentence.")
final class ScoreCommand implements Callable<Integer> {
    /** Which rows get expected ranges (they cost a few scores each, so by default only flagged rows). */
    enum RangeRows { FLAGGED, ALL, NONE }

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model file (.avro) written by 'normalcy fit'.")
    Path modelPath;

    @Option(names = "--input", required = true, description = "CSV with the model's feature and context columns.")
    Path input;

    @Option(names = "--output", required = true, description = "Scored CSV to write.")
    Path output;

    @Option(names = "--time-column", description = "Event time column (ISO-8601, 2014-07-01 00:00:00 in "
            + "--time-zone, a date, epoch seconds or millis), required when the model uses @hourOfDay/@dayOfWeek.")
    String timeColumn;

    @Option(names = "--entity-column", defaultValue = "entity", description = "For a model with derived features "
            + "(lags, differences, rolling statistics...): the entity column; each row's derived features come from "
            + "its entity's earlier rows in file order, by the trainer's and the detector's code, and are written as "
            + "derived_<feature> (default: ${DEFAULT-VALUE}, the trainer's CSV column).")
    String entityColumn;

    @Option(names = "--expected-ranges", defaultValue = "FLAGGED", description = "Rows that get expected ranges: "
            + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, the WARNING and CRITICAL rows).")
    RangeRows rangeRows;

    @Option(names = "--expected-mass", defaultValue = "0.99", description = "Central probability of the expected "
            + "ranges, in (0, 1) (default: ${DEFAULT-VALUE}, the 0.5 %%-99.5 %% quantiles).")
    double expectedMass;

    @Option(names = "--rejects", paramLabel = "FILE", description = "Keep going past rows that cannot be parsed "
            + "or scored (wrong column count, a missing or non-numeric value, a bad time, input the model refuses): "
            + "write them to FILE as line,reason,row and print how many to stderr; the exit code stays 0. Without "
            + "it the first such row stops the command with an error naming its line.")
    Path rejectsPath;

    @Mixin
    TimeZoneOption timeZone;

    @Override
    public Integer call() throws Exception {
        if (!(expectedMass > 0 && expectedMass < 1)) {
            throw new CliException("--expected-mass must be in (0, 1), got " + expectedMass);
        }
        PrintWriter out = spec.commandLine().getOut();
        NormalcyModel model = ModelFiles.load(modelPath);
        ModelColumns mc = ModelColumns.of(model);
        if (mc.needsTime() && timeColumn == null) {
            throw new CliException("model " + model.name() + " encodes the event time (" + mc.calendarSources()
                    + "): pass --time-column");
        }
        // written beside the targets and moved over them only on success, so a failing run (as before streaming,
        // when the whole input was read first) leaves no half-written output behind
        Path outPart = part(output);
        Path rejectsPart = rejectsPath == null ? null : part(rejectsPath);
        Summary summary;
        try (CsvTable.Rows in = CsvTable.Rows.open(input)) {
            RowDerivation derivation = RowDerivation.of(model, in.fileName(), in.header(), entityColumn, timeColumn);
            try (CsvOutput csv = new CsvOutput(outPart, outputHeader(model, in.header()));
                 CsvOutput rejects = rejectsPart == null ? null
                         : new CsvOutput(rejectsPart, List.of("line", "reason", "row"))) {
                summary = score(model, in, csv, rejects, derivation);
            }
            Files.move(outPart, output, StandardCopyOption.REPLACE_EXISTING);
            if (rejectsPart != null) {
                Files.move(rejectsPart, rejectsPath, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(outPart);
            if (rejectsPart != null) {
                Files.deleteIfExists(rejectsPart);
            }
        }
        int[] counts = summary.severities();
        out.printf(Locale.ROOT, "scored %d rows: %d NORMAL, %d WARNING, %d CRITICAL -> %s%n", summary.scored(),
                counts[0], counts[1], counts[2], output);
        if (rejectsPath != null) {
            spec.commandLine().getErr().printf(Locale.ROOT, "rejected %d rows -> %s%n", summary.rejected(),
                    rejectsPath);
        }
        if (summary.skipped() > 0) {
            spec.commandLine().getErr().printf(Locale.ROOT, "skipped %d rows: a feature with the missing-value policy"
                    + " skip was empty%n", summary.skipped());
        }
        return 0;
    }

    /**
     * Rows scored (per severity), rejected and skipped (a missing feature under the model's skip policy: not
     * scored, not rejected, counted, as the detector does) by {@link #score}.
     */
    record Summary(int[] severities, long rejected, long skipped) {
        long scored() {
            return severities[0] + (long) severities[1] + severities[2];
        }
    }

    private static Path part(Path target) {
        return target.toAbsolutePath().resolveSibling(target.getFileName() + ".part");
    }

    private static List<String> outputHeader(NormalcyModel model, List<String> inputHeader) {
        List<String> header = new ArrayList<>(inputHeader);
        for (String d : model.derived().names()) {
            header.add("derived_" + d);
        }
        header.add("log_density");
        header.add("severity");
        header.add("p_value");
        for (String f : model.featureNames()) {
            header.add("contrib_" + f);
        }
        for (String f : model.featureNames()) {
            header.add("expected_low_" + f);
            header.add("expected_high_" + f);
        }
        header.add("explanation");
        if (!model.missing().isEmpty()) {
            header.add("imputed_features"); // only models with missing-value policies: other outputs keep their shape
        }
        return header;
    }

    /** {@link #score(NormalcyModel, CsvTable.Rows, CsvOutput, CsvOutput, RowDerivation)} with this command's options. */
    Summary score(NormalcyModel model, CsvTable.Rows in, CsvOutput csv, CsvOutput rejects) throws IOException {
        return score(model, in, csv, rejects, RowDerivation.of(model, in.fileName(), in.header(), entityColumn,
                timeColumn));
    }

    /**
     * Scores {@code in} row by row, writing each result before the next row is read, so memory does not grow with
     * the file. A row that cannot be parsed or scored goes to {@code rejects} (line, reason, raw row) or, when it
     * is null, stops the run with a CliException naming its line. With {@code derivation} (a model with derived
     * features) the CSV has the raw features only and each row's derived features come from its entity's history.
     */
    Summary score(NormalcyModel model, CsvTable.Rows in, CsvOutput csv, CsvOutput rejects, RowDerivation derivation)
            throws IOException {
        ModelColumns mc = ModelColumns.of(model);
        InputColumns columns = new InputColumns(in, RowDerivation.rawFeatures(model), mc.categorical(),
                mc.numericSources(), timeColumn, timeZone.parser()).optional(model.missing().entries().keySet());
        Scorer scorer = model.newScorer();
        int[] counts = new int[3];
        long rejected = 0;
        long skipped = 0;
        CsvTable.Row r;
        while ((r = in.next()) != null) {
            String[] result;
            Severity severity;
            try {
                in.checkWidth(r);
                RawRecord rec = columns.record(r.cells(), r.line());
                if (lacksSkipFeature(model, rec)) {
                    skipped++; // before derivation too: a skipped record does not enter its entity's history
                    continue;
                }
                RowDerivation.Derived derived = derivation == null ? null
                        : derivation.derive(rec, r.cells(), in.fileName() + " line " + r.line());
                if (derived != null) {
                    rec = derived.record();
                }
                Score s;
                Evaluation ev;
                ExpectedRanges ranges;
                try {
                    s = scorer.score(rec.features(), rec.context(), rec.contextNumeric(), rec.eventTime());
                    ev = model.thresholds().evaluate(s.logDensity(), rec.context());
                    boolean wanted = rangeRows == RangeRows.ALL
                            || rangeRows == RangeRows.FLAGGED && ev.severity() != Severity.NORMAL;
                    ranges = wanted ? scorer.expectedRanges(rec.features(), rec.context(), rec.contextNumeric(),
                            rec.eventTime(), expectedMass) : null;
                } catch (InvalidInputException e) {
                    throw new CliException(in.fileName() + " line " + r.line() + ": " + e.getMessage());
                }
                severity = ev.severity();
                result = row(model, r.cells(), rec, s, ev, ranges);
                if (derived != null) {
                    derivation.commit(derived); // only a scored row enters the history, as in the detector
                }
            } catch (CliException e) {
                if (rejects == null) {
                    throw e;
                }
                rejects.write(reject(in.fileName(), r, e.getMessage()));
                rejected++;
                continue;
            }
            counts[severity.ordinal()]++;
            csv.write(result);
        }
        return new Summary(counts, rejected, skipped);
    }

    /** Whether the record lacks a feature whose missing-value policy is skip (its cell was empty). */
    private static boolean lacksSkipFeature(NormalcyModel model, RawRecord rec) {
        for (var e : model.missing().entries().entrySet()) {
            if (e.getValue().policy() == MissingPolicy.SKIP && !rec.features().containsKey(e.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** line, reason (the error without its "file line N: " prefix, which the line column carries) and raw row. */
    private static String[] reject(String fileName, CsvTable.Row r, String message) {
        String prefix = fileName + " line " + r.line() + ": ";
        String reason = message != null && message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        return new String[] {Long.toString(r.line()), reason, CsvOutput.line(r.cells())};
    }

    /** The input row followed by the score columns; range columns are empty when {@code ranges} is null. */
    private static String[] row(NormalcyModel model, String[] in, RawRecord rec, Score s, Evaluation ev,
                                ExpectedRanges ranges) {
        List<String> names = model.featureNames();
        int d = names.size();
        List<String> derived = model.derived().names();
        String[] row = new String[in.length + derived.size() + 3 + 3 * d + 1 + (model.missing().isEmpty() ? 0 : 1)];
        System.arraycopy(in, 0, row, 0, in.length);
        int c = in.length;
        for (String f : derived) {
            row[c++] = CsvOutput.number(rec.features().get(f));
        }
        row[c++] = CsvOutput.number(s.logDensity());
        row[c++] = ev.severity().name();
        row[c++] = Double.isNaN(ev.pValue()) ? "" : CsvOutput.number(ev.pValue());
        for (int i = 0; i < d; i++) {
            row[c++] = CsvOutput.number(s.contributions()[i]);
        }
        for (int i = 0; i < d; i++) {
            row[c++] = ranges == null ? "" : CsvOutput.number(ranges.low(i));
            row[c++] = ranges == null ? "" : CsvOutput.number(ranges.high(i));
        }
        row[c++] = ranges == null ? "" : explanation(model, rec, s, ranges);
        if (!model.missing().isEmpty()) {
            row[c] = String.join(";", s.imputed());
        }
        return row;
    }

    /** The sentence of the feature with the largest deficit (typical − term), as the detector's first top feature. */
    private static String explanation(NormalcyModel model, RawRecord rec, Score s, ExpectedRanges ranges) {
        List<String> names = model.featureNames();
        int top = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < names.size(); i++) {
            double deficit = model.typicalContributions().getOrDefault(names.get(i), 0.0) - s.contributions()[i];
            if (deficit > best) {
                best = deficit;
                top = i;
            }
        }
        StringBuilder given = new StringBuilder();
        new TreeMap<>(rec.context() == null ? java.util.Map.<String, String>of() : rec.context()).forEach((k, v) -> given.append(given.isEmpty() ? "" : ", ").append(k)
                .append('=').append(v));
        String name = names.get(top);
        // an imputed feature is explained at the value it was scored at, its held-out median
        double value = rec.features().containsKey(name) ? rec.features().get(name) : model.missing().median(name);
        return ExpectedRanges.sentence(name, value, ranges.low(top), ranges.high(top),
                ranges.mass(), given.toString());
    }
}
