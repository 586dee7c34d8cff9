package io.normalcy.detector.cli;

import io.normalcy.detector.batch.Backfill;
import io.normalcy.detector.batch.BatchConfig;
import io.normalcy.detector.batch.TimeRange;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code detector backfill}: re-scores a time range of a topic, or a file, into topics of your choice. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Re-score a time range of an input topic (or a file of input records) with the detector's "
                + "scoring, writing scores, alerts and dead letters to the given topics.")
final class BackfillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions config;

    @Option(names = "--topic", description = "Input topic to re-score (with --file: the topic whose mapping and "
            + "input format the file's records have).")
    String topic;

    @Option(names = "--file", description = "File with one input record (JSON) per line, instead of a topic range.")
    Path file;

    @Option(names = "--from", description = "First record timestamp, ISO-8601 (e.g. 2026-12-01T00:00:00Z); "
            + "default: the beginning.")
    String from;

    @Option(names = "--to", description = "Last record timestamp, ISO-8601, inclusive; default: the end offsets "
            + "at the start of the run.")
    String to;

    @Option(names = "--partitions", split = ",", description = "Partitions to read, e.g. 0,2 (default: all).")
    List<Integer> partitions = new ArrayList<>();

    @Option(names = "--scores-topic", required = true, description = "Topic for the scores.")
    String scoresTopic;

    @Option(names = "--alerts-topic", required = true, description = "Topic for the alerts.")
    String alertsTopic;

    @Option(names = "--dlq-topic", description = "Topic for the dead letters (default: the detector's DLQ topic).")
    String dlqTopic;

    @Option(names = "--model-version", paramLabel = "MODEL=VERSION", description = "Score MODEL with this accepted "
            + "version instead of the one the models topic serves (repeatable).")
    Map<String, String> modelVersions = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        request(null); // bad arguments fail before the configuration is read
        BatchConfig cfg = config.load();
        Backfill.Request request = request(cfg.topics().dlq());
        PrintWriter out = spec.commandLine().getOut();
        Backfill.Summary s = new Backfill(cfg, out).run(request);
        s.byPartition().forEach((p, c) -> out.println(p + ": " + c));
        out.println("total: " + s.total());
        return 0;
    }

    /** The validated request; ParameterException naming the option on a bad one. */
    Backfill.Request request(String defaultDlq) {
        try {
            if (file != null && !Files.isReadable(file)) {
                throw new IllegalArgumentException("--file " + file + " cannot be read");
            }
            String dlq = dlqTopic != null ? dlqTopic : defaultDlq != null ? defaultDlq : "normalcy.dlq";
            return new Backfill.Request(topic, partitions, new TimeRange(instant("--from", from),
                    instant("--to", to)), file, scoresTopic, alertsTopic, dlq, versions());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Map<String, Long> versions() {
        Map<String, Long> v = new LinkedHashMap<>();
        modelVersions.forEach((model, version) -> {
            try {
                long n = Long.parseLong(version.trim());
                if (n < 1) {
                    throw new NumberFormatException();
                }
                v.put(model, n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--model-version " + model + "=" + version
                        + ": the version must be a positive number");
            }
        });
        return v;
    }

    static Instant instant(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(option + " '" + value + "' is not an ISO-8601 instant such as "
                    + "2026-12-01T00:00:00Z");
        }
    }
}
