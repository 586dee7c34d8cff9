package io.normalcy.detector.batch;

import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.delivery.KafkaClients;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.topology.BatchScorer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Re-scores a time range of an input topic, or a file of input records, through the detector's own scoring
 * ({@link BatchScorer}) and writes the scores, alerts and dead letters to the topics of the {@link Request}
 * (historical analysis). Models come from the models topic, read to its end and verified exactly as the service
 * does. Reads without a consumer group and writes with an idempotent producer: the live detector's group, offsets
 * and state are not touched. Alert ids derive from (model, entity, event time, event id or source offset), so a
 * re-run writes the same ids again and consumers can de-duplicate.
 */
public final class Backfill {
    private final BatchConfig config;
    private final PrintWriter log;

    /**
     * @param topic       input topic (also names the file's records: its mapping and input format apply), or null
     *                    with a file
     * @param partitions  partitions to read, empty = all
     * @param range       record-timestamp range (topic input only)
     * @param file        a file with one input record (value) per line, instead of a topic, or null
     * @param scores      topic for the scores
     * @param alerts      topic for the alerts
     * @param dlq         topic for the dead letters
     * @param versions    model → version to score with instead of the one the models topic selects
     */
    public record Request(String topic, List<Integer> partitions, TimeRange range, Path file, String scores,
                          String alerts, String dlq, Map<String, Long> versions) {
        public Request {
            partitions = List.copyOf(partitions == null ? List.of() : partitions);
            range = range == null ? TimeRange.all() : range;
            versions = Map.copyOf(versions == null ? Map.of() : versions);
            if (topic == null && file == null) {
                throw new IllegalArgumentException("give --topic or --file");
            }
            if (file != null && (!partitions.isEmpty() || range.bounded())) {
                throw new IllegalArgumentException("--partitions, --from and --to select records of a topic; "
                        + "a --file is scored whole");
            }
            require(scores, "--scores-topic");
            require(alerts, "--alerts-topic");
            require(dlq, "--dlq-topic");
            if (scores.equals(alerts) || scores.equals(dlq) || alerts.equals(dlq)) {
                throw new IllegalArgumentException("--scores-topic, --alerts-topic and --dlq-topic must be three "
                        + "different topics, got " + scores + ", " + alerts + ", " + dlq);
            }
            if (topic != null && List.of(scores, alerts, dlq).contains(topic)) {
                throw new IllegalArgumentException("--topic '" + topic + "' is also an output topic");
            }
        }

        private static void require(String value, String option) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(option + " must name a topic");
            }
        }
    }

    /** Counts per partition ({@code topic-partition}, or the file name) and in total. */
    public record Summary(Map<String, Counts> byPartition, Counts total) {
    }

    public Backfill(BatchConfig config, PrintWriter log) {
        this.config = config;
        this.log = log;
    }

    public Summary run(Request req) throws IOException {
        DetectorTopics t = config.topics();
        String label = req.topic() != null ? req.topic() : req.file().getFileName().toString();
        for (String out : List.of(req.scores(), req.alerts(), req.dlq())) {
            if (out.equals(t.models()) || t.inputs().contains(out)) {
                throw new IllegalArgumentException("output topic '" + out + "' is one of the detector's inputs");
            }
        }
        BatchScorer scorer = new BatchScorer(new DetectorTopics(List.of(label), req.scores(), req.alerts(),
                t.models(), t.retrain(), t.subscriptions(), req.dlq(), t.parking()), config.settings(),
                config.outputs(), config.registry());
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.consumer(config.clientProps(), "normalcy-backfill");
             KafkaProducer<byte[], byte[]> producer = producer()) {
            for (String out : List.of(req.scores(), req.alerts(), req.dlq())) {
                TopicReader.partitions(consumer, out, optionOf(req, out));
            }
            Models.load(consumer, t.models(), scorer);
            req.versions().forEach((model, version) -> {
                LoadedModel m = scorer.pin(model, version);
                log.println("model " + model + ": scoring with v" + m.version() + " (--model-version)");
            });
            Sink sink = new Sink(scorer, producer);
            Map<String, Counts> counts = req.file() != null ? Map.of(label, sink.file(req.file(), label))
                    : topic(consumer, req, sink);
            producer.flush();
            sink.check();
            Counts total = new Counts();
            counts.values().forEach(total::add);
            return new Summary(counts, total);
        }
    }

    private static String optionOf(Request req, String topic) {
        return topic.equals(req.scores()) ? "--scores-topic" : topic.equals(req.alerts()) ? "--alerts-topic"
                : "--dlq-topic";
    }

    private Map<String, Counts> topic(KafkaConsumer<byte[], byte[]> consumer, Request req, Sink sink) {
        List<TopicPartition> all = TopicReader.partitions(consumer, req.topic(), "--topic");
        List<TopicPartition> parts = selected(all, req.partitions(), req.topic());
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        Map<TopicPartition, Long> start = startOffsets(consumer, parts, end, req.range().from());
        Map<String, Counts> counts = new LinkedHashMap<>();
        parts.forEach(tp -> counts.put(tp.toString(), new Counts()));
        TopicReader.read(consumer, start, end, r -> {
            Counts c = counts.get(r.topic() + "-" + r.partition());
            c.read++;
            TimeRange.Position pos = req.range().of(r.timestamp());
            if (pos != TimeRange.Position.IN) {
                c.outOfRange++;
                return pos == TimeRange.Position.BEFORE;
            }
            sink.score(r, c);
            return true;
        });
        return counts;
    }

    /** The partitions the request selects; IllegalArgumentException naming --partitions on one that does not exist. */
    static List<TopicPartition> selected(List<TopicPartition> all, List<Integer> wanted, String topic) {
        if (wanted.isEmpty()) {
            return all;
        }
        for (int p : wanted) {
            if (all.stream().noneMatch(tp -> tp.partition() == p)) {
                throw new IllegalArgumentException("--partitions: topic '" + topic + "' has no partition " + p
                        + " (it has 0.." + (all.size() - 1) + ")");
            }
        }
        return all.stream().filter(tp -> wanted.contains(tp.partition())).toList();
    }

    /** The first offset at or after {@code from} per partition (the end when there is none); the beginning without. */
    static Map<TopicPartition, Long> startOffsets(KafkaConsumer<?, ?> consumer, List<TopicPartition> parts,
                                                 Map<TopicPartition, Long> end, Instant from) {
        if (from == null) {
            return consumer.beginningOffsets(parts);
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        parts.forEach(tp -> query.put(tp, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> start = new HashMap<>();
        parts.forEach(tp -> {
            OffsetAndTimestamp o = found.get(tp);
            start.put(tp, o == null ? end.get(tp) : o.offset());
        });
        return start;
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties p = KafkaClients.producer(config.clientProps(), "normalcy-backfill");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, config.outputs().maxRecordSize());
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Scores records and sends their outputs, counting them; remembers the first send failure. */
    private static final class Sink {
        private final BatchScorer scorer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final AtomicReference<Exception> failure = new AtomicReference<>();

        Sink(BatchScorer scorer, KafkaProducer<byte[], byte[]> producer) {
            this.scorer = scorer;
            this.producer = producer;
        }

        void score(ConsumerRecord<byte[], byte[]> r, Counts c) {
            score(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(),
                    new RecordHeaders(r.headers().toArray()), c);
        }

        Counts file(Path file, String label) throws IOException {
            Counts c = new Counts();
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                long line = 0;
                for (String s = in.readLine(); s != null; s = in.readLine()) {
                    line++;
                    if (!s.isBlank()) {
                        c.read++;
                        score(label, 0, line, System.currentTimeMillis(), null, s.getBytes(StandardCharsets.UTF_8),
                                new RecordHeaders(), c);
                    }
                }
            }
            return c;
        }

        private void score(String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                           RecordHeaders headers, Counts c) {
            check();
            List<BatchScorer.Out> outs = scorer.score(topic, partition, offset, timestamp, key, value, headers);
            // the batch always writes scores: a record with neither a score, a dead letter nor "no model" was skipped
            // (a missing feature whose missing-value policy is skip)
            if (outs.stream().noneMatch(o -> o.kind() == BatchScorer.Kind.SCORE
                    || o.kind() == BatchScorer.Kind.DEAD_LETTER || o.kind() == BatchScorer.Kind.NO_MODEL)) {
                c.skipped++;
            }
            for (BatchScorer.Out out : outs) {
                switch (out.kind()) {
                    case SCORE -> c.scored++;
                    case ALERT -> c.alerts++;
                    case DEAD_LETTER -> c.deadLettered++;
                    case NO_MODEL -> c.noModel++;
                    case OTHER -> {
                        continue;
                    }
                }
                if (out.kind() != BatchScorer.Kind.NO_MODEL) {
                    producer.send(new ProducerRecord<>(out.topic(), null, out.timestamp(), out.key(), out.value(),
                            out.headers()), (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                }
                            });
                }
            }
        }

        void check() {
            Exception e = failure.get();
            if (e != null) {
                throw new IllegalStateException("writing the outputs failed: " + e, e);
            }
        }
    }
}
