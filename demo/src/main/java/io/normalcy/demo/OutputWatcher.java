package io.normalcy.demo;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.schemas.kafka.ConsumerLoop;
import io.normalcy.schemas.kafka.TopicReader;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import io.normalcy.schemas.serde.NormalcySerdes;
import io.normalcy.schemas.topics.TopicNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Follows every output of the pipeline on its own thread, like an external observer: scores, alerts, dead letters,
 * parked records, model versions and training status. Consumes {@code read_committed}, so it sees exactly what the
 * detector's exactly-once transactions committed. Only this run's events count (event ids carry the run prefix), so
 * the demo can share a cluster with other traffic; event topics are read from where they ended when the watcher
 * started, the models topic from the beginning (to know the versions that already exist). The consumer is a
 * {@link ConsumerLoop} started by {@link #start()}; a restarted session continues where the last one got to, and
 * a record that cannot be read, or a loop that failed, makes {@link #await} fail (the demo's output is all ours).
 */
final class OutputWatcher implements AutoCloseable {

    /** One scored event of this run. */
    record Scored(long version, Severity severity, double logDensity, long seenAtMillis) {
    }

    /** One published version of the demo model, as first seen on the models topic. */
    record Published(long version, long seenAtMillis, long recordCount, double validationNll, Long trainingMillis) {
    }

    private final String idPrefix;
    private final String requestPrefix;
    private final TopicNames names;
    private final Supplier<KafkaConsumer<byte[], byte[]>> consumers;
    private final ConsumerLoop<byte[], byte[]> loop;
    private final Map<TopicPartition, Long> next = new HashMap<>(); // loop thread after start(): where to go on
    private final Consumer<TrainingStatus> statusListener;
    private final Deserializer<ScoredEvent> scores = NormalcySerdes.scoredEvent().deserializer();
    private final Deserializer<Alert> alerts = NormalcySerdes.alert().deserializer();
    private final Deserializer<DeadLetter> deadLetters = NormalcySerdes.deadLetter().deserializer();
    /** The models topic carries versions and control records (pins, retirements); only versions are reported. */
    private final ModelsTopicDecoder models = new ModelsTopicDecoder();
    private final Deserializer<TrainingStatus> statuses = NormalcySerdes.trainingStatus().deserializer();
    private final Deserializer<FeatureVector> features = NormalcySerdes.featureVector().deserializer();

    private final Map<String, Scored> scored = new ConcurrentHashMap<>();
    private final Set<String> parked = ConcurrentHashMap.newKeySet();
    private final Set<String> deadLettered = ConcurrentHashMap.newKeySet();
    private final Map<Severity, Long> alertCounts = new EnumMap<>(Severity.class);
    private final Map<Long, Published> published = new TreeMap<>();
    private final Map<Long, Long> firstScoredAt = new TreeMap<>();
    private final Map<String, TrainingStatus> latestStatus = new ConcurrentHashMap<>();

    /**
     * @param idPrefix       prefix of this run's event ids
     * @param requestPrefix  prefix of this run's retrain request ids
     * @param statusListener called (on the watcher thread) for each training status of this run
     */
    OutputWatcher(DemoKafka kafka, String idPrefix, String requestPrefix, Consumer<TrainingStatus> statusListener) {
        this.idPrefix = idPrefix;
        this.requestPrefix = requestPrefix;
        this.names = kafka.topics().names();
        this.statusListener = statusListener;
        Map<String, Object> config = kafka.consumerConfig("watcher");
        this.consumers = () -> new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.loop = new ConsumerLoop<>("normalcy-demo-watcher", consumers, new Handler(), Duration.ofMillis(200));
    }

    /**
     * Takes the start positions now — the end of every event topic, the beginning of the models topic — so that
     * everything produced after this returns is seen, then starts the loop.
     *
     * @throws IllegalStateException when one of the topics does not exist
     */
    void start() {
        try (KafkaConsumer<byte[], byte[]> c = consumers.get()) {
            List<TopicPartition> all = new ArrayList<>();
            List<TopicPartition> fromStart = new ArrayList<>();
            for (String topic : List.of(names.scores(), names.alerts(), names.dlq(), names.parking(), names.models(),
                    names.trainingStatus())) {
                List<TopicPartition> tps = TopicReader.partitions(c, topic, Duration.ofSeconds(30));
                if (tps.isEmpty()) {
                    throw new IllegalStateException("topic " + topic + " does not exist");
                }
                all.addAll(tps);
                if (topic.equals(names.models())) {
                    fromStart.addAll(tps);
                }
            }
            Map<TopicPartition, Long> end = c.endOffsets(all);
            Map<TopicPartition, Long> begin = c.beginningOffsets(fromStart);
            for (TopicPartition tp : all) {
                next.put(tp, fromStart.contains(tp) ? begin.get(tp) : end.get(tp));
            }
        }
        loop.start();
    }

    /** Each session goes on from where the previous one got to (at first: the positions taken by start()). */
    private final class Handler implements ConsumerLoop.Handler<byte[], byte[]> {
        @Override
        public void onStart(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c) {
            c.assign(next.keySet());
            next.forEach(c::seek);
        }

        @Override
        public void onRecord(ConsumerRecord<byte[], byte[]> r) {
            handle(r);
        }

        @Override
        public void afterPoll(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> c,
                              ConsumerRecords<byte[], byte[]> records) {
            for (TopicPartition tp : records.partitions()) {
                next.put(tp, c.position(tp));
            }
        }
    }

    private void handle(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return;
        }
        String topic = r.topic();
        long now = System.currentTimeMillis();
        if (topic.equals(names.scores())) {
            ScoredEvent s = scores.deserialize(topic, r.value());
            if (ours(s.getEventId()) && s.getModel().equals(PaymentsModel.MODEL)) {
                scored.put(s.getEventId(), new Scored(s.getModelVersion(), s.getSeverity(), s.getLogDensity(), now));
                synchronized (firstScoredAt) {
                    firstScoredAt.putIfAbsent(s.getModelVersion(), now);
                }
            }
        } else if (topic.equals(names.alerts())) {
            Alert a = alerts.deserialize(topic, r.value());
            if (ours(a.getEventId())) {
                synchronized (alertCounts) {
                    alertCounts.merge(a.getSeverity(), 1L, Long::sum);
                }
            }
        } else if (topic.equals(names.dlq())) {
            DeadLetter d = deadLetters.deserialize(topic, r.value());
            String id = d.getValue() == null ? null : eventIdOf(bytes(d.getValue()));
            if (ours(id)) {
                deadLettered.add(id);
            }
        } else if (topic.equals(names.parking())) {
            String id = eventIdOf(r.value());
            if (ours(id)) {
                parked.add(id);
            }
        } else if (topic.equals(names.models())) {
            ModelsTopicDecoder.Decoded d = models.decode(topic, r.value());
            ModelVersion m = d == null ? null : d.version();
            if (m != null && m.getModel().equals(PaymentsModel.MODEL)) {
                synchronized (published) {
                    published.putIfAbsent(m.getVersion(), new Published(m.getVersion(), now,
                            m.getProvenance().getRecordCount(), m.getProvenance().getValidationNll(),
                            m.getProvenance().getTrainingMillis()));
                }
            }
        } else if (topic.equals(names.trainingStatus())) {
            TrainingStatus s = statuses.deserialize(topic, r.value());
            if (s.getRequestId().startsWith(requestPrefix)) {
                latestStatus.put(s.getRequestId(), s);
                statusListener.accept(s);
            }
        }
    }

    private String eventIdOf(byte[] value) {
        try {
            FeatureVector v = features.deserialize(names.features(), value);
            return v == null ? null : v.getEventId();
        } catch (RuntimeException e) {
            return null; // not a feature vector of ours
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    private boolean ours(String eventId) {
        return eventId != null && eventId.startsWith(idPrefix);
    }

    /**
     * Polls {@code condition} until it holds; false on timeout. Fails when the watcher's loop failed or skipped a
     * record it could not read.
     */
    boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (loop.state() == ConsumerLoop.State.FAILED) {
                throw new IllegalStateException("reading the output topics failed: " + loop.failure(),
                        loop.failure());
            }
            if (loop.recordErrors() > 0) {
                throw new IllegalStateException(loop.recordErrors() + " output records could not be read (see the"
                        + " log)");
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    Map<String, Scored> scored() {
        return scored;
    }

    Set<String> parked() {
        return parked;
    }

    Set<String> deadLettered() {
        return deadLettered;
    }

    /** Events of this run that came out somewhere: scored, dead-lettered or parked (each counted once). */
    long accounted() {
        Set<String> all = ConcurrentHashMap.newKeySet();
        all.addAll(scored.keySet());
        all.addAll(deadLettered);
        all.addAll(parked);
        return all.size();
    }

    Map<Severity, Long> alertCounts() {
        synchronized (alertCounts) {
            return new EnumMap<>(alertCounts);
        }
    }

    Map<Long, Published> published() {
        synchronized (published) {
            return new TreeMap<>(published);
        }
    }

    long latestVersion() {
        synchronized (published) {
            return published.isEmpty() ? 0 : ((TreeMap<Long, Published>) published).lastKey();
        }
    }

    /** Wall-clock time at which the first score of each model version arrived. */
    Map<Long, Long> firstScoredAt() {
        synchronized (firstScoredAt) {
            return new TreeMap<>(firstScoredAt);
        }
    }

    TrainingStatus status(String requestId) {
        return latestStatus.get(requestId);
    }

    @Override
    public void close() {
        loop.close();
    }
}
