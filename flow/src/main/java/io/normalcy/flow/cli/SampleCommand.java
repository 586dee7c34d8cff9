package io.normalcy.flow.cli;

import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.state.ModelFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code normalcy sample}: draws from p(x | c) (exact inverse of the flow, then of the preprocessing) to check by
 * eye that the model has learned the data, e.g. by plotting samples against the training CSV.
 */
@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw samples from a model, in original units, for a given context.")
final class SampleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model file (.avro).")
    Path modelPath;

    @Option(names = "--n", required = true, description = "Number of samples.")
    int n;

    @Option(names = "--context", paramLabel = "FIELD=VALUE", description = "Context value (repeatable); numeric"
            + " for cyclic/numeric fields.")
    Map<String, String> context = new LinkedHashMap<>();

    @Option(names = "--time", description = "Event time (ISO-8601, 2014-07-01 00:00:00 in --time-zone, a date,"
            + " epoch seconds or millis) for @hourOfDay/@dayOfWeek context (default 0 = 1970-01-01T00:00Z).")
    String time;

    @Mixin
    TimeZoneOption timeZone;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--output", required = true, description = "CSV to write (one column per feature).")
    Path output;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (n < 0) {
            throw new CliException("--n must be >= 0, got " + n);
        }
        NormalcyModel model = ModelFiles.load(modelPath);
        ModelColumns mc = ModelColumns.of(model);
        Map<String, String> categorical = new HashMap<>();
        Map<String, Double> numeric = new HashMap<>();
        for (Map.Entry<String, String> e : context.entrySet()) {
            String field = e.getKey();
            if (mc.categorical().contains(field)) {
                categorical.put(field, e.getValue());
            } else if (mc.numericSources().contains(field)) {
                try {
                    numeric.put(field, Double.parseDouble(e.getValue()));
                } catch (NumberFormatException ex) {
                    throw new CliException("--context " + field + ": not a number: '" + e.getValue() + "'");
                }
            } else {
                throw new CliException("--context: model " + model.name() + " has no context field '" + field
                        + "' (fields: " + mc.allFields() + ")");
            }
        }
        for (String f : mc.numericSources()) {
            if (!numeric.containsKey(f)) {
                throw new CliException("--context: numeric context field '" + f + "' needs a value (--context "
                        + f + "=...)");
            }
        }
        long eventTime = 0L;
        if (time != null) {
            try {
                eventTime = timeZone.parser().toEpochMilli(time, "--time");
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), e);
            }
        }
        double[][] samples = model.sample(n, categorical, numeric, eventTime, new Random(seed));
        List<String> names = model.featureNames();
        try (CsvOutput csv = new CsvOutput(output, names)) {
            for (double[] s : samples) {
                String[] row = new String[s.length];
                for (int i = 0; i < s.length; i++) {
                    row[i] = CsvOutput.number(s[i]);
                }
                csv.write(row);
            }
        }
        out.printf(Locale.ROOT, "wrote %d samples of %s to %s%n", n, model.name(), output);
        return 0;
    }
}
