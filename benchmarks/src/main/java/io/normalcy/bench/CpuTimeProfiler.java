package io.normalcy.bench;

import java.lang.management.ManagementFactory;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * JMH profiler ({@code -prof io.normalcy.bench.CpuTimeProfiler}) that makes throughput comparable on a shared,
 * overloaded machine. Wall-clock ops/s measure the share of a core the scheduler granted, not the code; this
 * profiler reads the benchmark JVM's process CPU time around each iteration and reports
 * <ul>
 *   <li>{@code ·cpu.cores} — CPU-seconds the JVM got per wall second (1.0 = one full core);</li>
 *   <li>{@code ·per.cpu.second} — (throughput modes only) the primary score divided by {@code cpu.cores}: operations
 *       per CPU-second, i.e. per fully available core.</li>
 * </ul>
 * Process CPU time includes JIT and GC threads, so after warm-up it slightly over-counts (the per-CPU-second figure
 * is conservative). Cache pollution from other processes sharing the core is still in the number.
 */
public final class CpuTimeProfiler implements InternalProfiler {
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long cpu0;
    private long wall0;

    @Override
    public String getDescription() {
        return "process CPU time per iteration: cores granted and operations per CPU-second";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        cpu0 = os.getProcessCpuTime();
        wall0 = System.nanoTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long cpu = os.getProcessCpuTime() - cpu0;
        long wall = System.nanoTime() - wall0;
        if (cpu <= 0 || wall <= 0) {
            return List.of();
        }
        double cores = (double) cpu / wall;
        ScalarResult coresResult = new ScalarResult("cpu.cores", cores, "cores", AggregationPolicy.AVG);
        switch (benchmarkParams.getMode()) {
            case Throughput:
                double score = result.getPrimaryResult().getScore();
                TimeValue unit = new TimeValue(1, benchmarkParams.getTimeUnit());
                return List.of(coresResult, new ScalarResult("per.cpu.second", score / cores,
                        result.getScoreUnit().replace("/" + TimeValue.tuToString(benchmarkParams.getTimeUnit()),
                                "/cpu-" + TimeValue.tuToString(unit.getTimeUnit())), AggregationPolicy.AVG));
            default:
                return List.of(coresResult);
        }
    }
}
