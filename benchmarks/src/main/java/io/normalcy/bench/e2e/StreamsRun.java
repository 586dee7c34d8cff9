package io.normalcy.bench.e2e;

import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.runtime.KafkaProperties;
import io.normalcy.detector.topology.DetectorTopology;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicDescriptor;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * One measured run of one topology: a fresh Kafka Streams app (own application.id, own output topics, the
 * detector's {@link KafkaProperties#streams} configuration: exactly_once_v2, one stream thread) reads the
 * pre-filled features topic from the start; throughput = records / (first moment all its input offsets are
 * committed − moment the app reached RUNNING). Then a second app of the same topology and configuration reads a
 * fresh, empty input topic of this run while a paced producer writes to it and a read_committed reader measures
 * each output's latency as (reader's receive wall time − record timestamp); both topologies keep the input
 * record's timestamp, which is the producer's send time (CreateTime), so this is producer send → committed output
 * visible to a consumer. Each app reads one input topic, as a detector with one input topic does (a second input
 * topic in the same task would bring Kafka Streams' multi-partition task synchronisation into the measurement).
 */
final class StreamsRun {
    enum Kind { DETECTOR, PASSTHROUGH }

    /**
     * Everything a run needs that is shared by the runs of one dimension.
     *
     * @param detector  the detector topology's settings (defaults, with the scoring kernel under test)
     * @param instances KafkaStreams instances of one app (same application.id) in this JVM; 1 for the e2e table,
     *                  more for {@link ScaleOutBenchmark} (threads per instance come with {@code streamsOverrides})
     */
    record Setup(String bootstrap, Admin admin, Topics shared, long inputRecords, Path stateRoot, int partitions,
                 Duration timeout, Path jfrDir, Latency.Plan latency, Map<String, String> streamsOverrides,
                 DetectorSettings detector, int instances) {
        /** The same setup with another instance count and extra Streams settings (a scale-out configuration). */
        Setup scaled(int instanceCount, Map<String, String> extraStreams) {
            Map<String, String> merged = new java.util.LinkedHashMap<>(streamsOverrides);
            merged.putAll(extraStreams);
            return new Setup(bootstrap, admin, shared, inputRecords, stateRoot, partitions, timeout, jfrDir, latency,
                    Map.copyOf(merged), detector, instanceCount);
        }
    }

    record Result(int dim, Kind kind, String label, long records, double startupSeconds, double seconds,
                  Map<String, Double> cpu, Latency.Stats latency, long outputs, long alerts, long deadLetters,
                  long parked) {
        double recordsPerSecond() {
            return records / seconds;
        }

        double perCpuSecond() {
            return records / cpu.get("process");
        }

        /** Bytes the stream thread allocated per record. */
        double allocPerRecord() {
            return cpu.get("stream.alloc") / records;
        }

        /** Share of one core the record-processing thread was busy. */
        double streamThreadBusy() {
            return cpu.get("stream") / seconds;
        }
    }

    private StreamsRun() {
    }

    static Result run(Setup s, E2eData data, Kind kind, String label) throws Exception {
        Topics run = new Topics(TopicNames.withPrefix(s.shared().names().features() + "." + label + "."),
                s.partitions(), (short) 1);
        String in = s.shared().names().features();
        String latencyIn = run.names().features();
        String out = kind == Kind.DETECTOR ? run.names().scores() : latencyIn + ".out";
        createTopics(s, run, kind, out);

        // throughput: the app reads only the pre-filled topic, like a detector with one input topic
        String appId = "e2e-" + label;
        long t0 = System.nanoTime();
        App app = App.start(s, kind, in, run, out, appId);
        long tRunning = System.nanoTime();
        Map<String, Double> cpuUse;
        try {
            cpuUse = awaitInputCommitted(s, app, appId, in, label, tRunning);
        } finally {
            app.close(label);
        }
        double seconds = cpuUse.get("wall");

        // latency: a second app of the same topology (own application.id) on this run's empty latency topic
        Latency.Stats latency;
        App lat = App.start(s, kind, latencyIn, run, out, appId + "-latency");
        try {
            latency = Latency.measure(s.bootstrap(), data, latencyIn, out, s.latency(), label);
            lat.check(label);
        } finally {
            lat.close(label);
        }
        Duration countTimeout = Duration.ofSeconds(120);
        long outputs = E2eKafka.countCommitted(s.bootstrap(), out, countTimeout);
        boolean det = kind == Kind.DETECTOR;
        long alerts = det ? E2eKafka.countCommitted(s.bootstrap(), run.names().alerts(), countTimeout) : 0;
        long dlq = det ? E2eKafka.countCommitted(s.bootstrap(), run.names().dlq(), countTimeout) : 0;
        long parked = det ? E2eKafka.countCommitted(s.bootstrap(), run.names().parking(), countTimeout) : 0;
        long expected = s.inputRecords() + latency.count();
        if (outputs != expected || dlq != 0 || parked != 0) {
            throw new IllegalStateException(String.format("%s: %d committed outputs (expected exactly %d: every input "
                    + "once), %d dead letters, %d parked (expected 0)", label, outputs, expected, dlq, parked));
        }
        return new Result(data.dim(), kind, label, cpuUse.get("records").longValue(), (tRunning - t0) / 1e9, seconds,
                cpuUse, latency,
                outputs, alerts, dlq, parked);
    }

    /** This run's topics: the latency input, and the detector's outputs or the pass-through's output topic. */
    private static void createTopics(Setup s, Topics run, Kind kind, String out) throws Exception {
        List<TopicDescriptor<?, ?>> create = new ArrayList<>(List.of(run.features()));
        if (kind == Kind.DETECTOR) {
            create.addAll(List.of(run.scores(), run.alerts(), run.retrain(), run.dlq(), run.parking()));
        } else {
            TopicDescriptor<String, FeatureVector> f = run.features();
            create.add(new TopicDescriptor<>(out, f.keySerde(), f.valueSerde(), f.partitions(), f.replicationFactor(),
                    f.configs()));
        }
        TopicAdmin.ensureTopics(s.admin(), create);
        E2eKafka.awaitLeaders(s.admin(), create.stream().map(TopicDescriptor::name).toList());
    }

    /**
     * Polls until the app has committed every pre-filled input record (failing past the setup's timeout), with
     * thread CPU accounting and an optional JFR recording over exactly that span. The records the app had already
     * committed when the span began (a multi-instance app's first instance works alone until the others have
     * joined) do not count; records processed but not yet committed then do (at most one commit interval's worth).
     *
     * @return CPU use per thread group ({@link ThreadCpu#stop()}) and "records": the input records of the span
     */
    private static Map<String, Double> awaitInputCommitted(Setup s, App app, String appId, String in, String label,
                                                           long tRunning) throws Exception {
        ThreadCpu cpu = ThreadCpu.start(appId);
        long before = E2eKafka.committedSum(s.admin(), appId, in);
        Recording jfr = startJfr(s.jfrDir());
        long deadline = tRunning + s.timeout().toNanos();
        long done;
        while ((done = E2eKafka.committedSum(s.admin(), appId, in)) < s.inputRecords()) {
            app.check(label);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(label + ": only " + done + " of " + s.inputRecords()
                        + " input offsets committed after " + s.timeout());
            }
            Thread.sleep(50);
        }
        Map<String, Double> cpuUse = new java.util.LinkedHashMap<>(cpu.stop());
        stopJfr(jfr, s.jfrDir(), label);
        cpuUse.put("records", (double) (s.inputRecords() - before));
        return cpuUse;
    }

    /**
     * A started Streams app of one topology reading {@code in}: {@link Setup#instances()} KafkaStreams instances
     * of one application.id (each with its own state directory, as separate pods have), all RUNNING with their
     * tasks when {@link #start} returns. A later instance joins after the first has started processing; the
     * records processed before that moment are left out of the measurement ({@link #awaitInputCommitted}). Why not
     * start them paused ({@link KafkaStreams#pause}): a paused task that has a state store is never restored, so a
     * paused detector never reaches RUNNING.
     */
    private record App(List<KafkaStreams> instances, AtomicReference<Throwable> failure) {
        static App start(Setup s, Kind kind, String in, Topics run, String out, String appId) throws Exception {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<KafkaStreams> started = new ArrayList<>();
            for (int i = 0; i < s.instances(); i++) {
                KafkaStreams streams = instance(s, kind, in, run, out, appId, i);
                started.add(streams);
                streams.setUncaughtExceptionHandler(e -> {
                    failure.set(e);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                });
                streams.start();
            }
            App app = new App(List.copyOf(started), failure);
            if (!app.awaitAssigned(Duration.ofSeconds(120))) {
                app.instances.forEach(k -> k.close(Duration.ofSeconds(30)));
                throw new IllegalStateException(appId + ": not every instance RUNNING with tasks after 120 s ("
                        + app.instances.stream().map(KafkaStreams::state).toList() + ")", failure.get());
            }
            return app;
        }

        private static KafkaStreams instance(Setup s, Kind kind, String in, Topics run, String out, String appId,
                                             int index) {
            StreamsBuilder builder = new StreamsBuilder();
            DetectorMetrics metrics = DetectorMetrics.inMemory();
            if (kind == Kind.DETECTOR) {
                DetectorTopics topics = new DetectorTopics(List.of(in), out, run.names().alerts(),
                        s.shared().names().models(), run.names().retrain(), s.shared().names().subscriptions(),
                        run.names().dlq(), run.names().parking());
                DetectorTopology.build(builder, topics, new ModelRegistry(metrics), s.detector(), metrics);
            } else {
                // the features topic's own serde (Avro single-object encoding): decode, then encode at the sink
                Serde<FeatureVector> fv = s.shared().features().valueSerde();
                builder.stream(in, Consumed.with(Serdes.ByteArray(), fv)).to(out, Produced.with(Serdes.ByteArray(), fv));
            }
            Map<String, Object> kafka = new HashMap<>(s.streamsOverrides());
            kafka.put("bootstrap.servers", s.bootstrap());
            kafka.put("streams.detector.state.dir", s.stateRoot().resolve(appId + "-" + index).toString());
            Properties props = KafkaProperties.streams(appId, kafka, metrics);
            return new KafkaStreams(builder.build(props), props);
        }

        /**
         * Polls until every instance is RUNNING at the same moment and every stream thread holds an active task
         * (when there are at least as many partitions as threads): a later member's join sends the earlier ones
         * through REBALANCING again, and a cooperative rebalance hands over tasks in a second round.
         */
        private boolean awaitAssigned(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!instances.stream().allMatch(k -> k.state() == KafkaStreams.State.RUNNING
                    && k.metadataForLocalThreads().stream().allMatch(t -> !t.activeTasks().isEmpty()))) {
                if (System.nanoTime() > deadline || failure.get() != null) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        }

        void check(String label) {
            if (failure.get() != null) {
                throw new IllegalStateException(label + ": stream thread failed", failure.get());
            }
        }

        void close(String label) {
            for (KafkaStreams streams : instances) {
                if (!streams.close(Duration.ofSeconds(60))) {
                    throw new IllegalStateException(label + ": Streams app did not close within 60 s");
                }
                streams.cleanUp();
            }
        }
    }

    private static Recording startJfr(Path dir) throws Exception {
        if (dir == null) {
            return null;
        }
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        r.start();
        return r;
    }

    private static void stopJfr(Recording r, Path dir, String label) throws Exception {
        if (r != null) {
            r.stop();
            r.dump(dir.resolve(label + ".jfr"));
            r.close();
        }
    }
}
