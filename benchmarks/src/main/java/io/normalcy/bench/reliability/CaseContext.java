package io.normalcy.bench.reliability;

import io.normalcy.avro.ModelVersion;
import io.normalcy.bench.reliability.Ledger.Dest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * One case's world: its topics, the model, the producer and the output reader feeding one {@link Ledger}, and its
 * detector processes, with the measurements every case needs (first new score after a moment, committed input
 * offsets, the drain) and the standard verdict (lost, duplicated, stalled, misrouted = FAIL).
 *
 * <p>A detector that exits without being told to is restarted, as a supervisor (systemd, Kubernetes) would, and
 * the case FAILS with the reason: a service that dies under chaos is a defect even when exactly-once loses nothing.
 */
final class CaseContext implements AutoCloseable {
    static final String MODEL = "chaos-model";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    final Cluster cluster;
    final ChaosOptions options;
    final String name;
    final String title;
    final CaseTopics topics;
    final Ledger ledger = new Ledger();
    final Traffic traffic;
    final Sender sender;
    final OutputCollector collector;
    final List<String> notes = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    /** The detectors' cool-down, for the alert accounting (0 = off, the suite's default). */
    long coolDownMs;
    private final Map<String, DetectorProcess> detectors = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> configs = new HashMap<>();
    private final Set<String> expectedAlive = new HashSet<>();
    private final long startNanos = System.nanoTime();
    private KafkaProducer<byte[], byte[]> modelProducer;

    CaseContext(Cluster cluster, String name, String title, List<String> countOnlyTopics) {
        this.cluster = cluster;
        this.options = cluster.options;
        this.name = name;
        this.title = title;
        this.topics = CaseTopics.of(name);
        topics.create(cluster.admin, options.partitions);
        createPlainTopics(countOnlyTopics);
        this.traffic = Traffic.of(name, MODEL);
        this.sender = new Sender(cluster.bootstrap(), "chaos-producer-" + name, topics.features(), ledger);
        this.collector = new OutputCollector(cluster.bootstrap(), topics, ledger, countOnlyTopics);
    }

    /** One-partition topics outside the project's set (a subscription's delivery topic). */
    private void createPlainTopics(List<String> names) {
        for (String t : names) {
            try {
                cluster.admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + t, e.getCause());
                }
            } catch (Exception e) {
                throw new IllegalStateException("cannot create topic " + t, e);
            }
        }
    }

    String appId() {
        return "chaos-" + name;
    }

    /** Client id prefix of one instance's Kafka clients (to find its partitions in the consumer group). */
    String clientId(String instance) {
        return appId() + "-" + instance;
    }

    /** Starts (or restarts, same state directory) a detector instance and waits until it is UP. */
    DetectorProcess startDetector(String instance, Map<String, String> extra) throws Exception {
        Map<String, String> c = configs.get(instance);
        if (c == null) {
            c = new LinkedHashMap<>();
            c.put("kafka.bootstrap.servers", cluster.bootstrap());
            c.put("micronaut.server.port", Integer.toString(BrokerProcess.freeLocalPort()));
            c.put("normalcy.detector.application-id", appId());
            c.putAll(topics.detectorConfig());
            c.put("normalcy.detector.topic-partitions", Integer.toString(options.partitions));
            c.put("normalcy.detector.cool-down", "0s");
            c.put("normalcy.detector.signing.hmac-secret", cluster.models.hmacSecretBase64());
            c.put("normalcy.detector.shutdown-timeout", "20s");
            c.put("kafka.streams.detector.state.dir", cluster.stateDir(name, instance).toString());
            c.put("kafka.streams.detector.client.id", clientId(instance));
            // HTTP authentication stays on: the suite's own key, with the admin role (subscriptions)
            c.put("normalcy.security.api-keys.chaos.key", options.apiKey);
            c.put("normalcy.security.api-keys.chaos.roles", "admin");
            c.putAll(extra);
            // the user's settings win; "{instance}" in a value becomes this instance's own id (e.g. a static
            // group.instance.id must differ between the two instances of the failover case)
            String id = clientId(instance);
            for (Map.Entry<String, String> e : options.detectorProps.entrySet()) {
                c.put(e.getKey(), e.getValue().replace("{instance}", id));
            }
            configs.put(instance, c);
        }
        DetectorProcess d = DetectorProcess.start(name + "-" + instance, c, options.detectorHeap, options.apiKey,
                cluster.logs.resolve(name + "-" + instance + ".log"));
        detectors.put(instance, d);
        expectedAlive.add(instance);
        long t0 = System.nanoTime();
        d.awaitUp(START_TIMEOUT);
        notes.add(String.format(java.util.Locale.ROOT, "detector %s: JVM start → /health UP in %.1f s", instance,
                (System.nanoTime() - t0) / 1e9));
        return d;
    }

    DetectorProcess detector(String instance) {
        return detectors.get(instance);
    }

    /** SIGKILL; returns the kill's wall-clock time. */
    long kill(String instance) throws InterruptedException {
        expectedAlive.remove(instance);
        return detectors.get(instance).kill();
    }

    /** SIGTERM (detector's own shutdown, up to 60 s); returns the time it took to exit (-1: had to be killed). */
    long terminate(String instance) throws InterruptedException {
        expectedAlive.remove(instance);
        return detectors.get(instance).terminate(Duration.ofSeconds(60));
    }

    /** Publishes a model version (key = model name) and waits for the acknowledgement. */
    void publishModel(ModelVersion mv) throws Exception {
        publishRaw(topics.models(), io.normalcy.schemas.ModelKeys.expectedKey(mv), ChaosModels.bytes(mv));
    }

    void publishRaw(String topic, String key, byte[] value) throws Exception {
        if (modelProducer == null) {
            modelProducer = Sender.producer(cluster.bootstrap(), "chaos-models-" + name);
        }
        modelProducer.send(new ProducerRecord<>(topic, key == null ? null
                : key.getBytes(java.nio.charset.StandardCharsets.UTF_8), value)).get(60, TimeUnit.SECONDS);
    }

    /** The detector group's committed offsets on the input topic, per partition (empty before the first commit). */
    Map<Integer, Long> committed() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = cluster.admin.listConsumerGroupOffsets(appId())
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<Integer, Long> out = new HashMap<>();
        m.forEach((tp, om) -> {
            if (tp.topic().equals(topics.features()) && om != null) {
                out.put(tp.partition(), om.offset());
            }
        });
        return out;
    }

    /** End offset of every input partition (everything produced and acknowledged). */
    Map<Integer, Long> inputEnd() throws Exception {
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        for (int p = 0; p < options.partitions; p++) {
            q.put(new TopicPartition(topics.features(), p), OffsetSpec.latest());
        }
        Map<Integer, Long> out = new HashMap<>();
        cluster.admin.listOffsets(q).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
        return out;
    }

    /**
     * Waits for the first committed score processed at or after {@code sinceMs} (the detector's clock, same
     * machine) from one of {@code partitions} (null = any), and returns when the reader saw it; -1 after
     * {@code timeout}.
     */
    long awaitFirstScore(long sinceMs, Set<Integer> partitions, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            long seen = ledger.firstSeen(o -> o.dest() == Dest.SCORES && o.processedAtMs() >= sinceMs
                    && (partitions == null || partitions.contains(o.partition())));
            if (seen >= 0) {
                return seen;
            }
            supervise();
            collector.check();
            Thread.sleep(100);
        }
        return -1;
    }

    /** Waits until at least {@code n} outputs matching scores exist; false after {@code timeout}. */
    boolean awaitScores(long n, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ledger.count(o -> o.dest() == Dest.SCORES) < n) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            supervise();
            collector.check();
            Thread.sleep(100);
        }
        return true;
    }

    /** Input partitions assigned to {@code instance} in the detector's consumer group right now. */
    Set<Integer> partitionsOf(String instance) throws Exception {
        ConsumerGroupDescription g = cluster.admin.describeConsumerGroups(List.of(appId())).all()
                .get(30, TimeUnit.SECONDS).get(appId());
        Set<Integer> out = new HashSet<>();
        for (MemberDescription m : g.members()) {
            if (m.clientId().startsWith(clientId(instance) + "-")) {
                m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(topics.features()))
                        .forEach(tp -> out.add(tp.partition()));
            }
        }
        return out;
    }

    /** Restarts, and books as a failure, a detector that exited without being told to. */
    void supervise() throws Exception {
        for (String instance : List.copyOf(expectedAlive)) {
            DetectorProcess d = detectors.get(instance);
            if (!d.alive()) {
                failures.add("detector " + instance + " exited by itself (code " + d.jvm().exitCode()
                        + "); restarted as a supervisor would (log: " + d.jvm().log().getFileName() + ")");
                startDetector(instance, Map.of());
            }
        }
    }

    /**
     * Waits until the detector group has consumed every input (committed offsets at the end of the input topic),
     * then until the reader has read every committed output; stops early on a stall (no consumer progress and no
     * new output for the stall timeout) or at the drain deadline. Returns the accounting.
     */
    Tally drain() throws Exception {
        sender.flush(330_000);
        Map<Integer, Long> end = inputEnd();
        long t0 = System.nanoTime();
        long deadline = t0 + options.drainTimeout.toNanos();
        long lastProgress = t0;
        long lastSum = -1;
        long lastSeen = -1;
        while (true) {
            supervise();
            collector.check();
            Map<Integer, Long> committed = committed();
            if (end.entrySet().stream().allMatch(e -> committed.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                break;
            }
            long sum = committed.values().stream().mapToLong(Long::longValue).sum();
            long seen = ledger.lastSeen();
            long now = System.nanoTime();
            if (sum != lastSum || seen != lastSeen) {
                lastProgress = now;
                lastSum = sum;
                lastSeen = seen;
            }
            if (now - lastProgress > options.stallTimeout.toNanos()) {
                notes.add(String.format("drain stopped: no progress for %d s (stalled)",
                        options.stallTimeout.toSeconds()));
                break;
            }
            if (now > deadline) {
                notes.add("drain stopped at its deadline (" + options.drainTimeout.toSeconds() + " s)");
                break;
            }
            Thread.sleep(250);
        }
        notes.add(String.format("drain took %.1f s", (System.nanoTime() - t0) / 1e9));
        checkHealth();
        collector.syncToEnd(cluster.admin, Duration.ofSeconds(120));
        return ledger.tally(committed(), coolDownMs);
    }

    /** Books a failure for every running detector whose {@code /health} is not UP (e.g. Kafka Streams in ERROR). */
    void checkHealth() throws InterruptedException {
        for (String instance : expectedAlive) {
            DetectorProcess d = detectors.get(instance);
            try {
                var r = d.get("/health");
                if (r.statusCode() != 200 || !r.body().contains("\"UP\"")) {
                    var m = java.util.regex.Pattern.compile("\"streamsState\"\\s*:\\s*\"(\\w+)\"").matcher(r.body());
                    failures.add("detector " + instance + " not UP at the end: HTTP " + r.statusCode()
                            + (m.find() ? ", Kafka Streams " + m.group(1) : ""));
                }
            } catch (java.io.IOException e) {
                failures.add("detector " + instance + " does not answer /health: " + e);
            }
        }
    }

    /** The verdict: the standard accounting checks plus whatever the case added to {@link #failures}. */
    CaseResult result(Tally t, String recovery, String memory) {
        List<String> f = new ArrayList<>();
        if (t.in() == 0) {
            f.add("no input was acknowledged");
        }
        if (t.lost() > 0 || t.missingAlerts() > 0) {
            f.add("LOST: " + t.lost() + " input(s) consumed without output, " + t.missingAlerts() + " alert(s) missing");
        }
        if (t.duplicated() > 0 || t.extraAlerts() > 0) {
            f.add("DUPLICATED: " + t.duplicated() + " extra output(s), " + t.extraAlerts() + " extra alert(s)");
        }
        if (t.pending() > 0) {
            f.add("STALLED: " + t.pending() + " input(s) not consumed by the end of the drain");
        }
        if (t.misrouted() > 0) {
            f.add("MISROUTED: " + t.misrouted() + " input(s) not where they belong");
        }
        if (t.unknownOutputs() > 0) {
            f.add("UNKNOWN: " + t.unknownOutputs() + " output(s) of no input sent, or undecodable");
        }
        if (sender.failureText() != null) {
            f.add("SEND FAILED: " + sender.failureText());
        }
        f.addAll(failures);
        return new CaseResult(name, title, t, recovery, memory, f, List.copyOf(notes), seconds());
    }

    /** A case that threw: its error, plus the accounting of whatever it produced so far. */
    CaseResult failed(Throwable e) {
        Tally t = null;
        try {
            t = ledger.tally(committed(), coolDownMs);
        } catch (Exception ignored) {
            // the broker may be the problem; report without a tally
        }
        List<String> f = new ArrayList<>(failures);
        f.add("ERROR: " + e);
        return new CaseResult(name, title, t, "-", "-", f, List.copyOf(notes), seconds());
    }

    double seconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    @Override
    public void close() throws Exception {
        expectedAlive.clear();
        for (DetectorProcess d : detectors.values()) {
            d.terminate(Duration.ofSeconds(30));
        }
        collector.close();
        sender.close();
        if (modelProducer != null) {
            modelProducer.close(Duration.ofSeconds(10));
        }
    }
}
