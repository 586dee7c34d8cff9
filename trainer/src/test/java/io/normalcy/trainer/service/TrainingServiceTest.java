package io.normalcy.trainer.service;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.history.SkipSummary;
import io.normalcy.trainer.job.InProcessRunner;
import io.normalcy.trainer.job.TrainingRunner;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.queue.TrainingTask;
import io.normalcy.trainer.status.StatusReporter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link TrainingService#run} without a broker: in-memory history, a log-only {@link StatusReporter} (whose
 * {@code latest} is what training-status would carry), no catalog or publisher (the CLI's set-up), and either the
 * real in-process fit or a runner that fails the way a child JVM or a shutdown makes it fail.
 */
class TrainingServiceTest {
    private static final String MODEL = "unit";
    private static final String ID = "req-1";
    private static final long END = 1_700_000_000_000L;

    @TempDir
    Path root;

    private final StatusReporter status = new StatusReporter(null, "");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void aFailingFitEndsFailedWithItsMessageAndLeavesNoWorkDirectory() throws Exception {
        TrainingService service = service(rows(300), (spec, rows, progress) -> {
            throw new IOException("child JVM exited with code 137");
        });

        TrainingService.Outcome outcome = service.run(task());

        assertFalse(outcome.succeeded());
        assertNull(outcome.version());
        assertEquals("IOException: child JVM exited with code 137", outcome.message());
        TrainingStatus s = status.latest(ID).orElseThrow();
        assertEquals(TrainingState.FAILED, s.getState());
        assertEquals(outcome.message(), s.getMessage());
        assertEquals(1, trainings("failed"));
        assertEquals(0, trainings("succeeded"));
        assertEquals(List.of(), workDirectories(), "the work directory of a failed training is deleted");
    }

    @Test
    void tooFewRowsFailBeforeTheFitWithTheReason() {
        AtomicInteger fits = new AtomicInteger();
        TrainingService service = service(rows(50), (spec, rows, progress) -> {
            fits.incrementAndGet();
            throw new AssertionError("not reached");
        });

        TrainingService.Outcome outcome = service.run(task());

        assertFalse(outcome.succeeded());
        assertTrue(outcome.message().startsWith("only 50 valid records (need 100) for model 'unit'"), outcome.message());
        assertEquals(TrainingState.FAILED, status.latest(ID).orElseThrow().getState());
        assertEquals(0, fits.get());
        assertEquals(1, trainings("failed"));
    }

    @Test
    void aTrainingSucceedsWithItsVersionAndArtifact() throws Exception {
        TrainingService service = service(rows(400), new InProcessRunner());

        TrainingService.Outcome outcome = service.run(task());

        assertTrue(outcome.succeeded(), outcome.message());
        assertEquals(1L, outcome.version(), "without a catalog the first version is 1");
        assertTrue(outcome.message().startsWith("trained unit v1 (400 records"), outcome.message());
        TrainingStatus s = status.latest(ID).orElseThrow();
        assertEquals(TrainingState.SUCCEEDED, s.getState());
        assertEquals(1L, s.getPublishedVersion());
        assertEquals(1, s.getEpoch());
        assertEquals(outcome.message(), s.getMessage());
        assertEquals(root.resolve(MODEL).resolve("v1"), outcome.artifactDir());
        for (String file : List.of(ArtifactStore.MODEL_FILE, ArtifactStore.REPORT_FILE, ArtifactStore.RESULT_FILE)) {
            assertTrue(Files.isRegularFile(outcome.artifactDir().resolve(file)), file);
        }
        assertEquals(1, trainings("succeeded"));
        assertEquals(List.of(), workDirectories());
    }

    @Test
    void aShutdownDuringTheFitRequeuesTheRequest() throws Exception {
        TrainingService[] self = new TrainingService[1];
        self[0] = service(rows(300), (spec, rows, progress) -> {
            self[0].stop();
            throw new InterruptedException("shutdown");
        });

        TrainingService.Outcome outcome;
        try {
            outcome = self[0].run(task());
        } finally {
            assertTrue(Thread.interrupted(), "the interrupt is kept for the caller (and cleared here)");
        }

        assertFalse(outcome.succeeded());
        assertEquals("interrupted by the trainer's shutdown (InterruptedException); runs again when it restarts",
                outcome.message());
        TrainingStatus s = status.latest(ID).orElseThrow();
        assertEquals(TrainingState.QUEUED, s.getState());
        assertEquals(outcome.message(), s.getMessage());
        assertEquals(0, trainings("failed"), "a shutdown is not a failed training");
        assertEquals(List.of(), workDirectories());
    }

    @Test
    void anErrorPropagatesButTheRequestEndsFailedNotRunning() throws Exception {
        TrainingService service = service(rows(300), (spec, rows, progress) -> {
            throw new OutOfMemoryError("simulated");
        });

        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> service.run(task()));

        assertEquals("simulated", e.getMessage());
        TrainingStatus s = status.latest(ID).orElseThrow();
        assertEquals(TrainingState.FAILED, s.getState());
        assertEquals("OutOfMemoryError: simulated", s.getMessage());
        assertEquals(1, trainings("failed"));
        assertEquals(List.of(), workDirectories());
    }

    @Test
    void theWindowDefaultsToTheModelsWindowAndRejectsAnEmptyOne() {
        var def = registry().find(MODEL).orElseThrow();
        TrainingService.Window w = TrainingService.window(request(END - 1000, END), def);
        assertEquals(new TrainingService.Window(END - 1000, END), w);
        assertEquals(new TrainingService.Window(null, null),
                TrainingService.window(request(Long.MIN_VALUE, Long.MAX_VALUE), def), "MIN/MAX = unbounded");
        assertEquals(new TrainingService.Window(END - def.window().toMillis(), END),
                TrainingService.window(request(null, END), def));
        TrainingFailure f = assertThrows(TrainingFailure.class,
                () -> TrainingService.window(request(END, END), def));
        assertTrue(f.getMessage().startsWith("empty window"), f.getMessage());
    }

    private TrainingService service(List<RawRecord> rows, TrainingRunner runner) {
        TrainingService.HistoryProvider history = (def, from, to, max) -> new History(rows, List.of("x1", "x2"),
                new SkipSummary(), rows.size(), 0, Map.of(), from, to, "memory");
        return new TrainingService(registry(), history, runner, null, null, status, new ArtifactStore(root),
                new TrainerMetrics(meters), null, "test", false);
    }

    private static ModelRegistry registry() {
        return new ModelRegistry(Map.of(MODEL, Map.of("features", "x1,x2", "epochs", "1", "blocks", "1",
                "hidden", "8")));
    }

    private static TrainingTask task() {
        TrainingRequest req = request(END - 3_600_000, END);
        return new TrainingTask(MODEL, req, List.of(ID));
    }

    private static TrainingRequest request(Long start, Long end) {
        return new TrainingRequest(ID, MODEL, "test", start, end, Map.of(), END);
    }

    private static List<RawRecord> rows(int n) {
        Random r = new Random(11);
        List<RawRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double x1 = r.nextGaussian();
            rows.add(new RawRecord(Map.of("x1", x1, "x2", 2 * x1 + 0.3 * r.nextGaussian()), Map.of(), Map.of(),
                    END - 3_000_000 + i * 1000L));
        }
        return rows;
    }

    private long trainings(String outcome) {
        Timer t = meters.find("normalcy.trainer.training.duration").tags("model", MODEL, "outcome", outcome).timer();
        return t == null ? 0 : t.count();
    }

    private List<Path> workDirectories() throws IOException {
        Path dir = root.resolve(MODEL);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".work-")).toList();
        }
    }
}
