package io.normalcy.trainer.cli;

import io.normalcy.flow.cli.NormalcyCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code trainer score}: batch/backfill scoring of a CSV file; delegates to flow's {@code normalcy score}. */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Score every row of a CSV file with a model file (log-density, per-feature terms, severity).")
final class ScoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model file (.avro), e.g. <artifact-dir>/<model>/v<n>/model.avro.")
    Path model;

    @Option(names = "--input", required = true, description = "CSV with the model's feature and context columns.")
    Path input;

    @Option(names = "--output", required = true, description = "Scored CSV to write.")
    Path output;

    @Option(names = "--time-column", description = "Event time column (epoch ms or ISO-8601), needed for calendar context.")
    String timeColumn;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input", input.toString(),
                "--output", output.toString()));
        if (timeColumn != null) {
            args.add("--time-column");
            args.add(timeColumn);
        }
        return NormalcyCli.run(spec.commandLine().getOut(), spec.commandLine().getErr(), args.toArray(String[]::new));
    }
}
