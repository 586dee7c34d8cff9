package io.normalcy.flow.cli;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.InvalidInputException;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.state.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code normalcy score}: log p(x | c) of every CSV row in original units, its severity under the calibrated
 * thresholds and the per-feature contributions (which sum to the log-density).
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score a CSV: adds log_density, severity and one contrib_<feature> column per feature.")
final class ScoreCommand implements Callable<Integer> {
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

    @Mixin
    TimeZoneOption timeZone;

    @Override
    public Integer call() throws Exception {
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
        Scorer scorer = model.newScorer();
        int d = model.featureNames().size();
        int[] counts = new int[3];
        try (CsvOutput csv = new CsvOutput(output, header)) {
            for (int r = 0; r < table.size(); r++) {
                RawRecord rec = columns.record(r);
                Score s;
                try {
                    s = scorer.score(rec.features(), rec.context(), rec.contextNumeric(), rec.eventTime());
                } catch (InvalidInputException e) {
                    throw new CliException(table.fileName() + " line " + table.line(r) + ": " + e.getMessage());
                }
                Evaluation ev = model.thresholds().evaluate(s.logDensity(), rec.context());
                counts[ev.severity().ordinal()]++;
                String[] in = table.row(r);
                String[] row = new String[in.length + 3 + d];
                System.arraycopy(in, 0, row, 0, in.length);
                row[in.length] = CsvOutput.number(s.logDensity());
                row[in.length + 1] = ev.severity().name();
                row[in.length + 2] = Double.isNaN(ev.pValue()) ? "" : CsvOutput.number(ev.pValue());
                for (int i = 0; i < d; i++) {
                    row[in.length + 3 + i] = CsvOutput.number(s.contributions()[i]);
                }
                csv.write(row);
            }
        }
        out.printf(Locale.ROOT, "scored %d rows: %d NORMAL, %d WARNING, %d CRITICAL -> %s%n", table.size(),
                counts[0], counts[1], counts[2], output);
        return 0;
    }
}
