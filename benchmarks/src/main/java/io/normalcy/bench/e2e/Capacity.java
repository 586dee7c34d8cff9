package io.normalcy.bench.e2e;

import java.util.List;
import java.util.Locale;

/**
 * Production sizing from a measured cost per record: how many cores, stream threads, instances and input
 * partitions a target event rate needs. Why this shape: the detector is CPU-bound on its stream threads (one
 * record at a time, no I/O wait in the per-record path), so one fully used core runs one stream thread at the
 * measured records per CPU-second, and Kafka Streams parallelises by input partition only (a partition is one task,
 * a task runs on one thread). The figures are the plan's lower bounds; {@code utilisation} is the headroom (0.5 =
 * plan for twice the load: catch-up after an outage, rebalances, traffic peaks).
 *
 * @param recordsPerCoreSecond records one detector core does per CPU-second (stream thread + Streams I/O + GC/JIT)
 * @param brokerCpuPerRecord   broker CPU-seconds per record (consume input, produce scores, transactions)
 * @param utilisation          target CPU utilisation, in (0, 1]
 * @param threadsPerInstance   stream threads (= cores) per detector instance (pod)
 */
record Capacity(double recordsPerCoreSecond, double brokerCpuPerRecord, double utilisation, int threadsPerInstance) {
    /** Partition counts are rounded up to a multiple of this: 1, 2, 3, 4, 6 or 12 instances split it evenly. */
    static final int PARTITION_STEP = 12;

    Capacity {
        if (!(recordsPerCoreSecond > 0) || brokerCpuPerRecord < 0 || !(utilisation > 0 && utilisation <= 1)
                || threadsPerInstance < 1) {
            throw new IllegalArgumentException("need records per core-second > 0, broker CPU per record >= 0, "
                    + "utilisation in (0, 1] and threads per instance >= 1");
        }
    }

    /**
     * @param eventsPerSecond  target rate
     * @param detectorCores    cores of detector at the target utilisation (= stream threads)
     * @param instances        detector instances of {@code threadsPerInstance} threads
     * @param partitions       input partitions: at least 2 × the stream threads (room to double the instances
     *                         without repartitioning a keyed topic), rounded up to {@value #PARTITION_STEP}
     * @param brokerCores      broker cores at the target utilisation, from the measured single-broker,
     *                         replication-factor-1 cost (a lower bound: replication 3 adds follower fetches)
     */
    record Plan(double eventsPerSecond, int detectorCores, int instances, int partitions, double brokerCores) {
    }

    Plan plan(double eventsPerSecond) {
        int cores = (int) Math.ceil(eventsPerSecond / (recordsPerCoreSecond * utilisation));
        int instances = (cores + threadsPerInstance - 1) / threadsPerInstance;
        int threads = instances * threadsPerInstance;
        int partitions = (2 * threads + PARTITION_STEP - 1) / PARTITION_STEP * PARTITION_STEP;
        return new Plan(eventsPerSecond, cores, instances, partitions,
                eventsPerSecond * brokerCpuPerRecord / utilisation);
    }

    /** A markdown table of {@link #plan} for each rate. */
    String table(List<Double> rates) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "Sizing at %.0f records per detector "
                        + "CPU-second, %.0f %% target utilisation, %d stream threads per instance:%n%n",
                recordsPerCoreSecond, 100 * utilisation, threadsPerInstance));
        sb.append("| events/s | detector cores (= stream threads) | instances | input partitions | broker cores "
                + "(lower bound) |\n|---|---|---|---|---|\n");
        for (double r : rates) {
            Plan p = plan(r);
            sb.append(String.format(Locale.ROOT, "| %,.0f | %d | %d | %d | %.1f |%n", r, p.detectorCores(),
                    p.instances(), p.partitions(), p.brokerCores()));
        }
        return sb.toString();
    }
}
