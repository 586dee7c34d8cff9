package io.normalcy.flow.cli;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.ExpectedRanges;
import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.state.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
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

    @Option(names = "--expected-ranges", defaultValue = "FLAGGED", description = "Rows that get expected ranges: "
            + "${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}, the WARNING and CRITICAL rows).")
    RangeRows rangeRows;

    @Option(names = "--expected-mass", defaultValue = "0.99", description = "Central probability of the expected "
            + "ranges, in (0, 1) (default: ${DEFAULT-VALUE}, the 0.5 %%-99.5 %% quantiles).")
    double expectedMass;

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
        CsvTable table = CsvTable.read(input);
        InputColumns columns = new InputColumns(table, model.featureNames(), mc.categorical(), mc.numericSources(),
                timeColumn, timeZone.parser());
        List<String> header = new ArrayList<>(table.header());
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
        Scorer scorer = model.newScorer();
        int[] counts = new int[3];
        try (CsvOutput csv = new CsvOutput(output, header)) {
            for (int r = 0; r < table.size(); r++) {
                RawRecord rec = columns.record(r);
                Score s;
                ExpectedRanges ranges;
                Evaluation ev;
                try {
                    s = scorer.score(rec.features(), rec.context(), rec.contextNumeric(), rec.eventTime());
                    ev = model.thresholds().evaluate(s.logDensity(), rec.context());
                    boolean wanted = rangeRows == RangeRows.ALL
                            || rangeRows == RangeRows.FLAGGED && ev.severity() != Severity.NORMAL;
                    ranges = wanted ? scorer.expectedRanges(rec.features(), rec.context(), rec.contextNumeric(),
                            rec.eventTime(), expectedMass) : null;
                } catch (InvalidInputException e) {
                    throw new CliException(table.fileName() + " line " + table.line(r) + ": " + e.getMessage());
                }
                counts[ev.severity().ordinal()]++;
                csv.write(row(model, table.row(r), rec, s, ev, ranges));
            }
        }
        out.printf(Locale.ROOT, "scored %d rows: %d NORMAL, %d WARNING, %d CRITICAL -> %s%n", table.size(),
                counts[0], counts[1], counts[2], output);
        return 0;
    }

    /** The input row followed by the score columns; range columns are empty when {@code ranges} is null. */
    private static String[] row(NormalcyModel model, String[] in, RawRecord rec, Score s, Evaluation ev,
                                ExpectedRanges ranges) {
        List<String> names = model.featureNames();
        int d = names.size();
        String[] row = new String[in.length + 3 + 3 * d + 1];
        System.arraycopy(in, 0, row, 0, in.length);
        int c = in.length;
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
        row[c] = ranges == null ? "" : explanation(model, rec, s, ranges);
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
        return ExpectedRanges.sentence(name, rec.features().get(name), ranges.low(top), ranges.high(top),
                ranges.mass(), given.toString());
    }
}
