package io.normalcy.trainer.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micronaut.context.ApplicationContext;
import io.normalcy.schemas.TimeParser;
import io.normalcy.schemas.derived.HistoryLimit;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.trainer.config.HistoryConfig;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.history.FileHistorySource;
import io.normalcy.trainer.history.TopicHistorySource;
import io.normalcy.trainer.job.InProcessRunner;
import io.normalcy.trainer.publish.ModelCatalog;
import io.normalcy.trainer.publish.ModelPublisher;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.queue.TrainingTask;
import io.normalcy.trainer.service.ArtifactStore;
import io.normalcy.trainer.service.KafkaSettings;
import io.normalcy.trainer.service.TrainerMetrics;
import io.normalcy.trainer.service.TrainingService;
import io.normalcy.trainer.status.StatusReporter;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code trainer train}: one training, in this JVM, through the same {@link TrainingService} as the service.
 * The model definition comes from the configuration ({@code --config application.yml} or the bundled one) or,
 * when the model is not configured there, from defaults with the feature set inferred from the data;
 * {@code --set key=value} changes parameters like a retrain request's overrides.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a model on a topic window or a file; write the model (and its HTML report); optionally publish it.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model name (as in FeatureVector.model).")
    String model;

    static final class Source {
        @Option(names = "--from-topic", required = true, description = "Read history from the features topic.")
        boolean fromTopic;
        @Option(names = "--from-file", required = true, description = "Read history from a .csv or .avro (FeatureVector) file.")
        Path fromFile;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (for --from-topic and --publish).")
    String bootstrap;

    @Option(names = "--from", description = "Window start (ISO-8601, 2014-07-01 00:00:00 in --time-zone, a date, epoch seconds or ms); default: the model's window before --to (topic) or unbounded (file).")
    String from;

    @Option(names = "--to", description = "Window end, exclusive (same forms as --from); default now (topic) or unbounded (file).")
    String to;

    @Option(names = "--time-zone", paramLabel = "ZONE", defaultValue = "UTC", description = "Zone of times without an offset in --from/--to and the CSV eventTime column, e.g. Europe/Paris (default: ${DEFAULT-VALUE}).")
    ZoneId timeZone;

    @Option(names = "--publish", description = "Publish the model to the models topic (next version).")
    boolean publish;

    @Option(names = "--output", description = "Where to copy the model file (default <model>.avro); the report goes next to it (.html).")
    Path output;

    @Option(names = "--config", description = "YAML/properties configuration with normalcy.trainer.models.<name>.")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a model parameter (e.g. epochs=5, hidden=32,32).")
    Map<String, String> overrides = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        if ((source.fromTopic || publish) && bootstrap == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--bootstrap-servers is required with --from-topic and --publish");
        }
        if (config != null) {
            if (!Files.isRegularFile(config)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--config: file not found: " + config);
            }
            System.setProperty("micronaut.config.files", config.toAbsolutePath().toString());
        }
        Map<String, Object> props = new HashMap<>();
        props.put("normalcy.trainer.isolation", "in-process");
        if (bootstrap != null) {
            props.put("kafka.bootstrap.servers", bootstrap);
        }
        Path work = Files.createTempDirectory("normalcy-train-");
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(props).start()) {
            ModelRegistry configured = ctx.getBean(ModelRegistry.class);
            ModelRegistry registry = configured.find(model).isPresent() ? configured : new ModelRegistry(Map.of(model, Map.of()));
            KafkaSettings kafka = bootstrap == null ? null : ctx.getBean(KafkaSettings.class);
            Topics topics = ctx.getBean(Topics.class);
            HistoryLimit limit = ctx.getBean(HistoryConfig.class).limit();
            TrainingService.HistoryProvider history = source.fromFile != null
                    ? (def, f, t, max) -> FileHistorySource.read(source.fromFile, def, f, t, max,
                    TimeParser.inZone(timeZone), limit)
                    : new TopicHistorySource(kafka.consumer("history"), topics.names().features(),
                    java.time.Duration.ofMinutes(10),
                    ctx.findBean(io.normalcy.schemas.registry.SchemaRegistryClient.class).orElse(null),
                    ctx.getBean(io.normalcy.trainer.config.TrainerMappings.class).byTopic(), limit)::read;
            ModelCatalog catalog = publish ? ctx.getBean(ModelCatalog.class) : null;
            ModelPublisher publisher = publish ? ctx.getBean(ModelPublisher.class) : null;
            TrainingService service = new TrainingService(registry, history, new InProcessRunner(), catalog, publisher,
                    new StatusReporter(null, ""), new ArtifactStore(work), new TrainerMetrics(new SimpleMeterRegistry()),
                    io.normalcy.trainer.service.Signing.key(ctx.getBean(io.normalcy.trainer.config.TrainerConfig.class).ed25519PrivateKey(),
                            ctx.getBean(io.normalcy.trainer.config.TrainerConfig.class).hmacKey()), "cli", false);
            boolean file = source.fromFile != null;
            Long end = time("--to", to);
            Long start = time("--from", from);
            TrainingRequest req = new TrainingRequest("cli-" + UUID.randomUUID(), model, "cli",
                    start != null ? start : (file ? Long.valueOf(Long.MIN_VALUE) : null),
                    end != null ? end : (file ? Long.valueOf(Long.MAX_VALUE) : null), overrides, System.currentTimeMillis());
            TrainingService.Outcome outcome = service.run(new TrainingTask(model, req, List.of(req.requestId())));
            if (!outcome.succeeded()) {
                spec.commandLine().getErr().println("training failed: " + outcome.message());
                return 1;
            }
            Path out = output != null ? output : Path.of(model + ".avro");
            Files.copy(outcome.artifactDir().resolve(ArtifactStore.MODEL_FILE), out, StandardCopyOption.REPLACE_EXISTING);
            String base = out.getFileName().toString().replaceFirst("\\.avro$", "");
            Path report = out.resolveSibling(base + ".html");
            Files.copy(outcome.artifactDir().resolve(ArtifactStore.REPORT_FILE), report, StandardCopyOption.REPLACE_EXISTING);
            spec.commandLine().getOut().println(outcome.message().replace(outcome.artifactDir().toString(), out.toString()));
            spec.commandLine().getOut().println("model: " + out + "\nreport: " + report);
            return 0;
        } finally {
            ArtifactStore.delete(work);
        }
    }

    private Long time(String option, String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return TimeParser.inZone(timeZone).toEpochMilli(s, option);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
