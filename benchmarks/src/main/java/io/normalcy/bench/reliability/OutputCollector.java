package io.normalcy.bench.reliability;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.bench.reliability.Ledger.AlertOut;
import io.normalcy.bench.reliability.Ledger.Output;
import io.normalcy.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every output topic of one case from the beginning with {@code read_committed}, on its own thread, for the
 * whole case, and books each record in the {@link Ledger} with the time it became visible (what a downstream
 * consumer sees: the basis of the resume, failover and latency figures). It rides out a broker restart (the
 * consumer reconnects by itself); {@link #syncToEnd} waits until it has read everything committed so far.
 */
final class OutputCollector implements AutoCloseable {
    static final String PARKING_SOURCE_HEADER = "normalcy.parking.source";
    static final String PARKING_REASON_HEADER = "normalcy.parking.reason";

    private final AvroSerde<ScoredEvent> scores = AvroSerde.of(ScoredEvent.class);
    private final AvroSerde<Alert> alerts = AvroSerde.of(Alert.class);
    private final AvroSerde<DeadLetter> deadLetters = AvroSerde.of(DeadLetter.class);
    private final CaseTopics topics;
    private final Ledger ledger;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> assigned;
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counted = new ConcurrentHashMap<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    /** Sees every committed score as it is read (the derived-feature case keeps their values); null = none. */
    private volatile java.util.function.Consumer<ScoredEvent> scoreListener;

    /** @param countOnly further topics whose records are only counted (e.g. a subscription's delivery topic) */
    OutputCollector(String bootstrap, CaseTopics topics, Ledger ledger, List<String> countOnly) {
        this.topics = topics;
        this.ledger = ledger;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chaos-reader-" + topics.prefix());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 32 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<String> all = new ArrayList<>(List.of(topics.scores(), topics.alerts(), topics.dlq(), topics.parking()));
        all.addAll(countOnly);
        countOnly.forEach(t -> counted.put(t, new AtomicLong()));
        this.assigned = new ArrayList<>();
        for (String t : all) {
            partitionsOf(t).forEach(pi -> assigned.add(new TopicPartition(t, pi.partition())));
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        this.thread = new Thread(this::loop, "chaos-reader-" + topics.prefix());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The topic's partitions; waits while a just-created topic is not in the metadata yet (empty answer). */
    private List<org.apache.kafka.common.PartitionInfo> partitionsOf(String topic) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<org.apache.kafka.common.PartitionInfo> p = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (p != null && !p.isEmpty()) {
                return p;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has no partitions in the metadata after 60 s");
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private void loop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    book(r, System.currentTimeMillis());
                }
                try {
                    for (TopicPartition tp : assigned) {
                        positions.put(tp, consumer.position(tp, Duration.ofSeconds(10)));
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    // the broker is away (the broker case): keep polling, the consumer reconnects by itself
                }
            }
        } catch (org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure.set(t);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void book(ConsumerRecord<byte[], byte[]> r, long now) {
        String t = r.topic();
        try {
            if (t.equals(topics.scores())) {
                ScoredEvent s = scores.deserialize(t, r.value());
                java.util.function.Consumer<ScoredEvent> listener = scoreListener;
                if (listener != null) {
                    listener.accept(s);
                }
                ledger.observed(Output.score(s.getSourcePartition(), s.getSourceOffset(), s.getSeverity().name(),
                        s.getModelVersion(), s.getScoredAt().toEpochMilli(), now, s.getEntity(),
                        s.getEventTime().toEpochMilli()));
            } else if (t.equals(topics.alerts())) {
                Alert a = alerts.deserialize(t, r.value());
                ledger.alert(new AlertOut(a.getAlertId(), a.getSourcePartition() == null ? -1 : a.getSourcePartition(),
                        a.getSourceOffset() == null ? -1 : a.getSourceOffset(), now));
            } else if (t.equals(topics.dlq())) {
                DeadLetter d = deadLetters.deserialize(t, r.value());
                ledger.observed(Output.deadLetter(d.getPartition(), d.getOffset(), d.getReason().name(),
                        d.getFailedAt().toEpochMilli(), now));
            } else if (t.equals(topics.parking())) {
                String source = header(r, PARKING_SOURCE_HEADER);
                String reason = header(r, PARKING_REASON_HEADER);
                int at = source == null ? -1 : source.lastIndexOf('@');
                int dash = at < 0 ? -1 : source.lastIndexOf('-', at);
                if (at < 0 || dash < 0) {
                    ledger.undecodable();
                    return;
                }
                ledger.observed(Output.parked(Integer.parseInt(source.substring(dash + 1, at)),
                        Long.parseLong(source.substring(at + 1)), reason, now));
            } else {
                counted.get(t).incrementAndGet();
            }
        } catch (RuntimeException e) {
            ledger.undecodable();
        }
    }

    private static String header(ConsumerRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** Hands every score read from now on to {@code listener} (set it before any traffic flows). */
    void onScore(java.util.function.Consumer<ScoredEvent> listener) {
        this.scoreListener = listener;
    }

    /** Records read from a count-only topic. */
    long counted(String topic) {
        AtomicLong n = counted.get(topic);
        return n == null ? 0 : n.get();
    }

    /**
     * Waits until the reader has read up to the last stable offset of every output partition as of now (everything
     * committed so far is in the ledger).
     */
    void syncToEnd(Admin admin, Duration timeout) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        assigned.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, Long> end = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(30, TimeUnit.SECONDS).forEach((tp, info) -> end.put(tp, info.offset()));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> positions.getOrDefault(e.getKey(), 0L) < e.getValue())) {
            check();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("output reader did not reach the end of the output topics within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    void check() {
        if (failure.get() != null) {
            throw new IllegalStateException("output reader failed", failure.get());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
