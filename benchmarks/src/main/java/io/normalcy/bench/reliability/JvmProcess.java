package io.normalcy.bench.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A service of the suite in its own JVM, stopped the way production stops it: {@link #kill} is SIGKILL
 * ({@link ProcessHandle#destroyForcibly}: no shutdown hook, open transactions left behind), {@link #terminate} is
 * SIGTERM ({@link ProcessHandle#destroy}: the service's own shutdown). Output goes to a log file per process.
 * Every process started here is SIGKILLed when the harness JVM exits, so an interrupted run leaves nothing behind.
 */
final class JvmProcess {
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "chaos-process-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private final long startedAt;

    private JvmProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startedAt = System.currentTimeMillis();
    }

    /**
     * @param env extra environment variables (added to the harness's own)
     */
    static JvmProcess start(String name, List<String> jvmArgs, String classPath, String mainClass, List<String> args,
                            Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            pb.environment().putAll(env);
            Files.writeString(log, "\n==== chaos: starting " + name + " at " + java.time.Instant.now() + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            Process p = pb.start();
            LIVE.add(p);
            return new JvmProcess(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    long startedAt() {
        return startedAt;
    }

    Path log() {
        return log;
    }

    /** Exit code, or null while running. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** SIGKILL and wait for the exit; returns the wall-clock time of the kill (ms). */
    long kill() throws InterruptedException {
        long at = System.currentTimeMillis();
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
        }
        LIVE.remove(process);
        return at;
    }

    /**
     * SIGTERM, then SIGKILL if the process has not exited after {@code grace}.
     *
     * @return how long the process took to exit after SIGTERM, or -1 when it had to be killed
     */
    long terminate(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            LIVE.remove(process);
            return 0;
        }
        long t0 = System.nanoTime();
        process.destroy();
        boolean exited = process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        if (!exited) {
            kill();
            return -1;
        }
        LIVE.remove(process);
        return took;
    }

    /** The last {@code lines} lines of the process's log (for error messages). */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Runs {@code jcmd <pid> GC.run} (a full collection in the target JVM), so the next heap reading is the heap
     * after GC. False when jcmd is not available or failed.
     */
    boolean fullGc() throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!Files.isExecutable(jcmd) || !process.isAlive()) {
            return false;
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Resident set size in MB from /proc (Linux), or -1. */
    double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
