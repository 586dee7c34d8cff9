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
 * A JVM {@link Error} is reported FAILED too, then propagates: it is not the request's fault, and the JVM is in doubt.
 */
public final class TrainingService {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TrainingService.class);
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

    /** Runs the task; never throws an {@link Exception} (the outcome is also on training-status). */
    public Outcome run(TrainingTask task) {
        Attempt a = new Attempt(task.requestIds(), task.model(), System.nanoTime());
        try {
            return a.train(task.request());
        } catch (Exception e) {
            return stopping ? a.requeued(e) : a.failed(e);
        } catch (Error e) {
            // an Error (out of memory, a broken native library) is not the request's fault and leaves this JVM in
            // doubt: it propagates, but the request must not stay RUNNING on training-status
            a.failed(e);
            throw e;
        } finally {
            ArtifactStore.delete(a.work);
        }
    }

    /** The state of one run, so that each step below is a short method reading top-down. */
    private final class Attempt {
        private final List<String> ids;
        private final String model;
        private final long started;
        private Path work; // the work directory until it becomes the version's artifact directory

        Attempt(List<String> ids, String model, long started) {
            this.ids = ids;
            this.model = model;
            this.started = started;
        }

        Outcome train(TrainingRequest req) throws Exception {
            status.report(ids, model, TrainingState.RUNNING, Progress.NONE, null, "reading history");
            ModelDefinition def = definition(req);
            Window window = window(req, def);
            History h = collectHistory(def, window);
            def = def.withFeatures(h.features());
            JobSpec spec = jobSpec(def, window, h);
            int totalEpochs = plannedEpochs(def, h.rows().size());
            JobResult result = fit(spec, totalEpochs, h);
            ModelVersion mv = publish(ModelFiles.read(Path.of(spec.modelOut())), result, h);
            Path dir = artifacts.commit(work, model, mv.getVersion());
            work = null;
            return succeeded(mv, result, h, totalEpochs, dir);
        }

        /** Reads the window's valid rows, failing with the reasons for skipped records when too few remain. */
        private History collectHistory(ModelDefinition def, Window w) throws Exception {
            History h = history.read(def, w.from(), w.to(), def.maxRecords());
            metrics.skipped(model, h.skips().byReason());
            if (h.rows().size() < MIN_ROWS) {
                throw new TrainingFailure(tooFewRows(model, h, w));
            }
            metrics.used(model, h.rows().size());
            return h;
        }

        /** Creates the work directory and describes the fit for the runner (and a child JVM). */
        private JobSpec jobSpec(ModelDefinition def, Window w, History h) throws Exception {
            long version = provisionalVersion(model);
            work = artifacts.newWorkDir(model, ids.get(0));
            return new JobSpec(model, version, def, work.resolve("rows.bin").toString(),
                    work.resolve(ArtifactStore.MODEL_FILE).toString(), work.resolve(ArtifactStore.RESULT_FILE).toString(),
                    w.from(), w.to(), h.sourceOffsets(), h.skips().total(), trainerVersion,
                    def.warmStart() ? publishedModelFile(model) : null);
        }

        /** Trains with the runner, reporting each epoch; the result file exists afterwards whatever the runner. */
        /** The epochs the progress reports count to: configured, or what flow's size rule gives for these rows. */
        private static int plannedEpochs(ModelDefinition def, int rows) {
            if (def.epochs() != ModelDefinition.SIZED) {
                return def.epochs();
            }
            double trainFraction = 1 - def.validationFraction() - def.calibrationFraction();
            return io.normalcy.flow.fit.SizeRule.forRows(rows, trainFraction, Math.max(1, def.modelFeatures().size()), 0)
                    .epochs();
        }

        private JobResult fit(JobSpec spec, int totalEpochs, History h) throws Exception {
            status.report(ids, model, TrainingState.RUNNING, new Progress(0, totalEpochs, null, null), null,
                    "training on " + h.rows().size() + " records (" + h.skips().describe() + ")");
            JobResult result = runner.run(spec, h.rows(), e -> status.report(ids, model, TrainingState.RUNNING,
                    new Progress(e.epoch(), totalEpochs, e.trainNll(), e.validationNll(), e.candidate()), null, ""));
            Path resultFile = work.resolve(ArtifactStore.RESULT_FILE);
            if (!Files.exists(resultFile)) {
                io.normalcy.trainer.job.JobJson.MAPPER.writeValue(resultFile.toFile(), result);
            }
            return result;
        }

        /**
         * Numbers, signs, verifies and writes the trained model inside the publisher's fenced section, so that no
         * other trainer can take the number; without a publisher (CLI) it keeps the provisional number.
         */
        private ModelVersion publish(ModelVersion trained, JobResult result, History h) throws Exception {
            ModelPublisher.Draft draft = v -> signedVersion(trained, v, work, result, h);
            return publisher != null ? publisher.publish(model, draft) : draft.build(trained.getVersion());
        }

        private Outcome succeeded(ModelVersion mv, JobResult result, History h, int totalEpochs, Path dir) {
            metrics.published(model, result.validationNll(), result.samplesPerSecond());
            metrics.training(model, "succeeded", elapsed());
            String done = (publisher != null ? "published " : "trained ") + model + " v" + mv.getVersion() + " ("
                    + h.rows().size() + " records, validation NLL "
                    + String.format(java.util.Locale.ROOT, "%.4f", result.validationNll()) + ", artifact " + dir + ")";
            status.report(ids, model, TrainingState.SUCCEEDED, new Progress(result.curve().size(), totalEpochs,
                    result.trainNll(), result.validationNll()), mv.getVersion(), done);
            // thresholds on few held-out exceedances: how far their observed rate may stray from the level
            result.thresholdBands().stream().map(JobResult.Band::note).filter(java.util.Objects::nonNull)
                    .forEach(n -> LOG.info("model {} v{}: threshold {}", model, mv.getVersion(), n));
            return new Outcome(true, mv.getVersion(), dir, done);
        }

        /** Ended by the trainer's shutdown: not the request's failure, it runs again after the restart. */
        private Outcome requeued(Exception e) {
            String msg = "interrupted by the trainer's shutdown (" + e.getClass().getSimpleName()
                    + "); runs again when it restarts";
            status.report(ids, model, TrainingState.QUEUED, Progress.NONE, null, msg);
            keepInterrupt(e);
            return new Outcome(false, null, null, msg);
        }

        private Outcome failed(Throwable t) {
            metrics.training(model, "failed", elapsed());
            boolean expected = t instanceof TrainingFailure || t instanceof ConfigException;
            String msg = expected ? t.getMessage() : t.getClass().getSimpleName() + ": " + t.getMessage();
            status.report(ids, model, TrainingState.FAILED, Progress.NONE, null, msg);
            if (!expected) {
                org.slf4j.LoggerFactory.getLogger(TrainingService.class).warn("training of {} failed", model, t);
            }
            keepInterrupt(t);
            return new Outcome(false, null, null, msg);
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    /** The window to read; {@code from}/{@code to} null = unbounded. */
    record Window(Long from, Long to) {
    }

    /**
     * The request's window, defaulting to the model's window ending now; Long.MIN/MAX_VALUE mean unbounded (files
     * in the CLI).
     */
    static Window window(TrainingRequest req, ModelDefinition def) {
        long end = req.windowEnd() != null ? req.windowEnd() : System.currentTimeMillis();
        long start = req.windowStart() != null ? req.windowStart() : end - def.window().toMillis();
        if (start >= end) {
            throw new TrainingFailure("empty window: windowStart " + Instant.ofEpochMilli(start)
                    + " is not before windowEnd " + Instant.ofEpochMilli(end));
        }
        return new Window(start == Long.MIN_VALUE ? null : start, end == Long.MAX_VALUE ? null : end);
    }

    static String tooFewRows(String model, History h, Window w) {
        return (h.rows().isEmpty() ? "no valid records" : "only " + h.rows().size()
                + " valid records (need " + MIN_ROWS + ")") + " for model '" + model + "' in " + h.source()
                + " window [" + (w.from() == null ? "-inf" : Instant.ofEpochMilli(w.from())) + ", "
                + (w.to() == null ? "+inf" : Instant.ofEpochMilli(w.to())) + "): "
                + h.examined() + " records of the model examined, " + h.skips().describe();
    }

    /**
     * The number the fit records in the model, read once per run (re-reading the models topic, which also brings
     * the warm start's choice of the served version up to date). It is provisional: the publisher assigns the final
     * number inside its fenced section ({@link ModelPublisher#publish}), where it must be read again under the fence.
     */
    private long provisionalVersion(String model) {
        return catalog == null ? 1 : catalog.nextVersion(model);
    }

    /** The trained model as version {@code v}: signed (or digested), checked to load, written with its report. */
    private ModelVersion signedVersion(ModelVersion trained, long v, Path workDir, JobResult result, History h)
            throws Exception {
        ModelVersion m = ModelVersion.newBuilder(trained).setVersion(v).build();
        m = signingKey != null ? ModelSigner.sign(m, signingKey) : ModelDigests.withDigest(m);
        ModelStateMapper.fromState(m); // the detector must be able to load what we publish
        ModelFiles.write(workDir.resolve(ArtifactStore.MODEL_FILE), m);
        Files.writeString(workDir.resolve(ArtifactStore.REPORT_FILE),
                ReportWriter.render(Reports.from(m, result, h)), StandardCharsets.UTF_8);
        return m;
    }

    private static void keepInterrupt(Throwable t) {
        if (t instanceof InterruptedException) {
            Thread.currentThread().interrupt();
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
