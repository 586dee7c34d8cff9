package io.normalcy.bench.e2e;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the CPU of one benchmark run went, by thread group: a snapshot of every Java thread's CPU time before and
 * after, plus the process CPU time (the remainder is the JVM's own non-Java threads: GC and JIT compilers).
 * Everything runs in one JVM (broker, Streams app, harness clients), so this is the cheapest profile that tells
 * whether the stream thread is the bottleneck (it is the only thread that processes records: if it is near one
 * core while the run is slow, the per-record path is the limit; if not, something else is).
 */
final class ThreadCpu {
    /** Groups, in report order. */
    static final String[] GROUPS = {"stream", "streams-io", "broker", "harness", "jvm"};

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final String appId;
    private final Map<Long, Long> start = new HashMap<>();
    private final Map<Long, Long> allocStart = new HashMap<>();
    private final long processStart;
    private final long wallStart;
    private final long gcMsStart;
    private final long gcCountStart;
    private final long jitMsStart;

    private ThreadCpu(String appId) {
        this.appId = appId;
        if (THREADS.isThreadCpuTimeSupported() && !THREADS.isThreadCpuTimeEnabled()) {
            THREADS.setThreadCpuTimeEnabled(true);
        }
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            if (t >= 0) {
                start.put(id, t);
                allocStart.put(id, THREADS.getThreadAllocatedBytes(id));
            }
        }
        gcMsStart = gc(true);
        gcCountStart = gc(false);
        jitMsStart = ManagementFactory.getCompilationMXBean().getTotalCompilationTime();
        processStart = OS.getProcessCpuTime();
        wallStart = System.nanoTime();
    }

    /** Starts measuring; {@code appId} identifies the Streams app's threads. */
    static ThreadCpu start(String appId) {
        return new ThreadCpu(appId);
    }

    /**
     * CPU-seconds per group since {@link #start}, plus "process" (total) and "wall" seconds, "stream.alloc" (bytes
     * the stream thread allocated), "gc.ms" / "gc.count" (collector time and collections, all collectors) and
     * "jit.ms" (JIT compilation time) — the last three split the "jvm" CPU roughly.
     */
    Map<String, Double> stop() {
        long wall = System.nanoTime() - wallStart;
        long process = OS.getProcessCpuTime() - processStart;
        Map<String, Double> out = new LinkedHashMap<>();
        for (String g : GROUPS) {
            out.put(g, 0.0);
        }
        double javaThreads = 0;
        for (long id : THREADS.getAllThreadIds()) {
            long t = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (t < 0 || info == null) {
                continue;
            }
            double s = (t - start.getOrDefault(id, 0L)) / 1e9;
            javaThreads += s;
            String g = group(info.getThreadName());
            out.merge(g, s, Double::sum);
            if (g.equals("stream")) {
                out.merge("stream.alloc", (double) (THREADS.getThreadAllocatedBytes(id)
                        - allocStart.getOrDefault(id, 0L)), Double::sum);
            }
        }
        out.putIfAbsent("stream.alloc", 0.0);
        out.put("gc.ms", (double) (gc(true) - gcMsStart));
        out.put("gc.count", (double) (gc(false) - gcCountStart));
        out.put("jit.ms", (double) (ManagementFactory.getCompilationMXBean().getTotalCompilationTime() - jitMsStart));
        // threads that ended during the run are lost to both sums; their time lands in "jvm" (rare: none expected)
        out.put("jvm", Math.max(0, process / 1e9 - javaThreads));
        out.put("process", process / 1e9);
        out.put("wall", wall / 1e9);
        return out;
    }

    private static long gc(boolean time) {
        long sum = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            sum += Math.max(0, time ? b.getCollectionTime() : b.getCollectionCount());
        }
        return sum;
    }

    private String group(String name) {
        if (name.equals("main") || name.contains("bench-")) {
            return "harness"; // main waits and polls; our clients have client.id bench-*
        }
        if (name.contains(appId)) {
            // "<app>-<uuid>-StreamThread-1" processes the records; its producer's network thread, the global
            // (models/subscriptions) thread and the heartbeat/cleaner threads are Streams' I/O and housekeeping
            return name.matches(".*-StreamThread-\\d+$") ? "stream" : "streams-io";
        }
        return "broker"; // KafkaRaftServer threads, and anything unnamed
    }
}
