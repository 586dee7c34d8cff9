package io.normalcy.trainer.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.normalcy.flow.fit.RawRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Trains in a child JVM (same java, same class path, {@link TrainingJob} as main class). ND4J/SameDiff keeps
 * native memory after every fit (measured ~0.3 MB per iteration, never returned); a child process gives it all
 * back at exit, so the service's footprint does not grow with the number of trainings, and a crash or an
 * out-of-memory in training cannot take the service down. The child gets {@code OMP_NUM_THREADS=1} (faster and
 * steadier on small machines) and the configured JVM options; it reports epochs on stdout
 * ({@value TrainingJob#EPOCH_PREFIX} + JSON) and writes the model and result files named in the spec.
 */
public final class ProcessRunner implements TrainingRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
    private static final ObjectMapper JSON = JobJson.MAPPER;

    /** Children still running; killed when this JVM exits so no training outlives the service. */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "kill-training-children"));
    }

    private final List<String> jvmOptions;
    private final Duration timeout;

    public ProcessRunner(List<String> jvmOptions, Duration timeout) {
        this.jvmOptions = List.copyOf(jvmOptions);
        this.timeout = timeout;
    }

    @Override
    public JobResult run(JobSpec spec, List<RawRecord> rows, Consumer<JobResult.Epoch> progress) throws Exception {
        Path rowsFile = Path.of(spec.rowsFile());
        RowsFile.write(rowsFile, rows);
        Path specFile = rowsFile.resolveSibling("job.json");
        JSON.writeValue(specFile.toFile(), spec);
        LOG.info("training {} v{} in a child JVM ({} rows)", spec.model(), spec.version(), rows.size());
        Process p = start(specFile);
        LIVE.add(p);
        AtomicBoolean timedOut = new AtomicBoolean();
        Thread watchdog = watchdog(p, timedOut);
        Output output;
        try {
            output = follow(p, spec.model(), progress);
        } finally {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            watchdog.interrupt();
            LIVE.remove(p);
            Files.deleteIfExists(rowsFile);
        }
        if (timedOut.get()) {
            throw new IllegalStateException("training exceeded the timeout " + timeout + " and was killed");
        }
        int exit = p.exitValue();
        if (exit != 0 || output.error() != null) {
            throw new IllegalStateException(output.error() != null ? output.error()
                    : "training process exited with code " + exit + "; last output: " + String.join(" | ", output.tail()));
        }
        return JSON.readValue(Path.of(spec.resultOut()).toFile(), JobResult.class);
    }

    /** Same java and class path, {@link TrainingJob} as main class, the configured options, one OpenMP thread. */
    private Process start(Path specFile) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(TrainingJob.class.getName());
        cmd.add(specFile.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    /** Kills the child when the timeout passes (which also ends the blocking read of its output). */
    private Thread watchdog(Process p, AtomicBoolean timedOut) {
        Thread watchdog = new Thread(() -> {
            try {
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    timedOut.set(true);
                    p.destroyForcibly(); // also ends the blocking readLine in follow
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }, "training-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        return watchdog;
    }

    /** The child's error line (null: none) and its last other output lines. */
    private record Output(String error, Deque<String> tail) {
    }

    /** Reads the child's output to its end: epochs go to {@code progress}, an error line is kept, the rest logged. */
    private static Output follow(Process p, String model, Consumer<JobResult.Epoch> progress)
            throws IOException, InterruptedException {
        Deque<String> tail = new ArrayDeque<>();
        String error = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(TrainingJob.EPOCH_PREFIX)) {
                    progress.accept(JSON.readValue(line.substring(TrainingJob.EPOCH_PREFIX.length()), JobResult.Epoch.class));
                } else if (line.startsWith(TrainingJob.ERROR_PREFIX)) {
                    error = line.substring(TrainingJob.ERROR_PREFIX.length());
                } else {
                    LOG.debug("[{} child] {}", model, line);
                    tail.addLast(line);
                    if (tail.size() > 20) {
                        tail.removeFirst();
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    p.destroyForcibly();
                    throw new InterruptedException("training interrupted");
                }
            }
        }
        return new Output(error, tail);
    }
}
