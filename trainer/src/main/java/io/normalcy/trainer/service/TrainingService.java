package io.normalcy.trainer.service;

import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.TrainingState;
import io.normalcy.flow.state.ModelFiles;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.flow.state.ModelStateMapper;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.trainer.config.ConfigException;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.config.OverrideBounds;
import io.normalcy.trainer.config.Parameters;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.job.JobResult;
import io.normalcy.trainer.job.JobSpec;
import io.normalcy.trainer.job.TrainingRunner;
import io.normalcy.trainer.publish.ModelCatalog;
import io.normalcy.trainer.publish.ModelPublisher;
import io.normalcy.trainer.publish.ModelSummary;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.queue.TrainingTask;
import io.normalcy.trainer.report.ReportWriter;
import io.normalcy.trainer.status.StatusReporter;
import io.normalcy.trainer.status.StatusReporter.Progress;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One training from request to published model: resolve the model definition and validated overrides, read
 * the window of history, train (isolated by the configured {@link TrainingRunner}), check that the result
 * loads, sign, write the artifact and report, publish to the models topic, and report every step on
 * training-status. Any failure ends in FAILED with a message and publishes nothing, except one caused by the
 * trainer's own shutdown ({@link #stop}): that request goes back to QUEUED, and the restarted trainer resumes it.
 */
public final class TrainingService {
    /** Fewer valid rows than this cannot give a meaningful density, let alone 1e-3 quantiles. */
    public static final int MIN_ROWS = 100;

    /** Reads the history of one model: (definition, from, to, maxRecords) → rows. */
    @FunctionalInterface
    public interface HistoryProvider {
        History read(ModelDefinition def, Long from, Long to, long maxRecords) throws Exception;
    }

    private final ModelRegistry registry;
    private final HistoryProvider history;
    private final TrainingRunner runner;
    private final ModelCatalog catalog;       // null: version 1, no catalog (CLI without --publish)
    private final ModelPublisher publisher;   // null: do not publish (CLI without --publish)
    private final StatusReporter status;
    private final ArtifactStore artifacts;
    private final TrainerMetrics metrics;
    private final Key signingKey;
    private final String trainerVersion;
    private final boolean boundedOverrides;
    private volatile boolean stopping;

    /** A service whose request overrides are capped at the configured model ({@link OverrideBounds}). */
    public TrainingService(ModelRegistry registry, HistoryProvider history, TrainingRunner runner,
                           ModelCatalog catalog, ModelPublisher publisher, StatusReporter status,
                           ArtifactStore artifacts, TrainerMetrics metrics, Key signingKey, String trainerVersion) {
        this(registry, history, runner, catalog, publisher, status, artifacts, metrics, signingKey, trainerVersion, true);
    }

    /**
     * @param boundedOverrides whether overrides are capped at the configured model: yes for requests from the topic
     *                         and REST; no for the command line, whose user owns the configuration anyway
     */
    public TrainingService(ModelRegistry registry, HistoryProvider history, TrainingRunner runner,
                           ModelCatalog catalog, ModelPublisher publisher, StatusReporter status,
                           ArtifactStore artifacts, TrainerMetrics metrics, Key signingKey, String trainerVersion,
                           boolean boundedOverrides) {
        this.boundedOverrides = boundedOverrides;
        this.registry = registry;
        this.history = history;
        this.runner = runner;
        this.catalog = catalog;
        this.publisher = publisher;
        this.status = status;
        this.artifacts = artifacts;
        this.metrics = metrics;
        this.signingKey = signingKey;
        this.trainerVersion = trainerVersion;
    }

    /** How a training ended; {@code artifactDir} and {@code version} are null on failure. */
    public record Outcome(boolean succeeded, Long version, Path artifactDir, String message) {
    }

    /**
     * The service is shutting down: a training that ends with an error from now on (typically the interrupt of
     * the shutdown) is not a failure of the request, which is reported QUEUED again instead.
     */
    public void stop() {
        stopping = true;
    }

    /**
     * The local artifact of the version detectors serve now (the pinned one, else the newest not retired), for a
     * warm start; null when there is none or this instance does not hold its artifact (the fit then starts cold).
     */
    private String publishedModelFile(String model) {
        if (catalog == null) {
            return null;
        }
        Optional<Long> served = catalog.pinnedVersion(model).or(() -> catalog.latest(model).map(ModelSummary::version));
        if (served.isEmpty()) {
            return null;
        }
        Path file = artifacts.versionDir(model, served.get()).resolve(ArtifactStore.MODEL_FILE);
        if (!Files.isRegularFile(file)) {
            org.slf4j.LoggerFactory.getLogger(TrainingService.class).info(
                    "model {}: no local artifact of the served version v{}; training cold", model, served.get());
            return null;
        }
        return file.toString();
    }

    /** Runs the task; never throws (the outcome is also on training-status). */
    public Outcome run(TrainingTask task) {
        List<String> ids = task.requestIds();
        String model = task.model();
        long started = System.nanoTime();
        Path work = null;
        try {
            status.report(ids, model, TrainingState.RUNNING, Progress.NONE, null, "reading history");
            ModelDefinition def = definition(task.request());
            TrainingRequest req = task.request();
            long end = req.windowEnd() != null ? req.windowEnd() : System.currentTimeMillis();
            long start = req.windowStart() != null ? req.windowStart() : end - def.window().toMillis();
            if (start >= end) {
                throw new TrainingFailure("empty window: windowStart " + Instant.ofEpochMilli(start)
                        + " is not before windowEnd " + Instant.ofEpochMilli(end));
            }
            Long from = start == Long.MIN_VALUE ? null : start; // MIN/MAX = unbounded (files in the CLI)
            Long to = end == Long.MAX_VALUE ? null : end;
            History h = history.read(def, from, to, def.maxRecords());
            metrics.skipped(model, h.skips().byReason());
            if (h.rows().size() < MIN_ROWS) {
                throw new TrainingFailure((h.rows().isEmpty() ? "no valid records" : "only " + h.rows().size()
                        + " valid records (need " + MIN_ROWS + ")") + " for model '" + model + "' in " + h.source()
                        + " window [" + (from == null ? "-inf" : Instant.ofEpochMilli(from)) + ", "
                        + (to == null ? "+inf" : Instant.ofEpochMilli(to)) + "): "
                        + h.examined() + " records of the model examined, " + h.skips().describe());
            }
            metrics.used(model, h.rows().size());
            def = def.withFeatures(h.features());
            long version = catalog == null ? 1 : catalog.nextVersion(model);
            work = artifacts.newWorkDir(model, ids.get(0));
            JobSpec spec = new JobSpec(model, version, def.asMap(), work.resolve("rows.bin").toString(),
                    work.resolve(ArtifactStore.MODEL_FILE).toString(), work.resolve(ArtifactStore.RESULT_FILE).toString(),
                    from, to, h.sourceOffsets(), h.skips().total(), trainerVersion,
                    def.warmStart() ? publishedModelFile(model) : null);
            status.report(ids, model, TrainingState.RUNNING, new Progress(0, def.epochs(), null, null), null,
                    "training on " + h.rows().size() + " records (" + h.skips().describe() + ")");
            final int totalEpochs = def.epochs();
            JobResult result = runner.run(spec, h.rows(), e -> status.report(ids, model, TrainingState.RUNNING,
                    new Progress(e.epoch(), totalEpochs, e.trainNll(), e.validationNll()), null, ""));
            if (!Files.exists(work.resolve(ArtifactStore.RESULT_FILE))) {
                new com.fasterxml.jackson.databind.ObjectMapper().writeValue(work.resolve(ArtifactStore.RESULT_FILE).toFile(), result);
            }
            ModelVersion trained = ModelFiles.read(Path.of(spec.modelOut()));
            Path workDir = work;
            // numbered, signed and written inside the publisher's fenced section: no other trainer can take the number
            ModelPublisher.Draft draft = v -> {
                ModelVersion m = ModelVersion.newBuilder(trained).setVersion(v).build();
                m = signingKey != null ? ModelSigner.sign(m, signingKey) : ModelDigests.withDigest(m);
                ModelStateMapper.fromState(m); // the detector must be able to load what we publish
                ModelFiles.write(workDir.resolve(ArtifactStore.MODEL_FILE), m);
                Files.writeString(workDir.resolve(ArtifactStore.REPORT_FILE),
                        ReportWriter.render(Reports.from(m, result, h)), StandardCharsets.UTF_8);
                return m;
            };
            ModelVersion mv = publisher != null ? publisher.publish(model, draft) : draft.build(trained.getVersion());
            Path dir = artifacts.commit(work, model, mv.getVersion());
            work = null;
            metrics.published(model, result.validationNll(), result.samplesPerSecond());
            metrics.training(model, "succeeded", Duration.ofNanos(System.nanoTime() - started));
            String done = (publisher != null ? "published " : "trained ") + model + " v" + mv.getVersion() + " ("
                    + h.rows().size() + " records, validation NLL "
                    + String.format(java.util.Locale.ROOT, "%.4f", result.validationNll()) + ", artifact " + dir + ")";
            status.report(ids, model, TrainingState.SUCCEEDED, new Progress(result.curve().size(), totalEpochs,
                    result.trainNll(), result.validationNll()), mv.getVersion(), done);
            return new Outcome(true, mv.getVersion(), dir, done);
        } catch (Throwable t) {
            if (stopping) {
                String msg = "interrupted by the trainer's shutdown (" + t.getClass().getSimpleName()
                        + "); runs again when it restarts";
                status.report(ids, model, TrainingState.QUEUED, Progress.NONE, null, msg);
                if (t instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                return new Outcome(false, null, null, msg);
            }
            metrics.training(model, "failed", Duration.ofNanos(System.nanoTime() - started));
            String msg = t instanceof TrainingFailure || t instanceof ConfigException ? t.getMessage()
                    : t.getClass().getSimpleName() + ": " + t.getMessage();
            status.report(ids, model, TrainingState.FAILED, Progress.NONE, null, msg);
            if (!(t instanceof TrainingFailure || t instanceof ConfigException)) {
                org.slf4j.LoggerFactory.getLogger(TrainingService.class).warn("training of {} failed", model, t);
            }
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(false, null, null, msg);
        } finally {
            ArtifactStore.delete(work);
        }
    }

    private ModelDefinition definition(TrainingRequest req) {
        ModelDefinition def = registry.find(req.model()).orElseThrow(() -> new TrainingFailure(
                "unknown model '" + req.model() + "'; configured models: " + registry.names()));
        try {
            return boundedOverrides ? OverrideBounds.apply(def, req.overrides(), "overrides.")
                    : Parameters.apply(def, req.overrides(), "overrides.");
        } catch (ConfigException e) {
            throw new TrainingFailure("invalid override " + e.getMessage());
        }
    }
}
