package io.normalcy.detector.batch;

import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.delivery.KafkaClients;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.topology.BatchScorer;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Moves the parked records of one model back to the topics they came from, once the models topic has an accepted
 * (valid, signature-checked) version of it, so the live detector scores them. Exactly once: each batch of copies
 * is written in one transaction together with the offsets of a consumer group of its own
 * ({@code normalcy-replay-parked.<model>} by default), so a crashed or repeated run never moves a record twice,
 * and the fixed transactional id fences a concurrent run. Records of other models are skipped (their own group
 * moves them later). Bounded: stops at the parking topic's end offsets captured at the start.
 */
public final class ReplayParked {
    private final BatchConfig config;
    private final PrintWriter log;

    /** Nothing to replay to: the model has no accepted version. */
    public static final class NoModelException extends RuntimeException {
        NoModelException(String message) {
            super(message);
        }
    }

    /**
     * @param moved       records copied back to their source topic
     * @param otherModels records of other models, skipped, by model
     * @param unreadable  records of this model without a usable source header (left in the parking topic)
     */
    public record Result(long moved, Map<String, Long> otherModels, long unreadable) {
    }

    public ReplayParked(BatchConfig config, PrintWriter log) {
        this.config = config;
        this.log = log;
    }

    public static String defaultGroup(String model) {
        return "normalcy-replay-parked." + model;
    }

    public Result run(String model, String group) {
        DetectorTopics t = config.topics();
        Properties client = config.clientProps();
        try (KafkaConsumer<byte[], byte[]> reader = TopicReader.consumer(client, "normalcy-replay-parked-models")) {
            BatchScorer scorer = new BatchScorer(t, config.settings(), config.outputs(), null);
            Models.load(reader, t.models(), scorer);
            LoadedModel m = scorer.serving(model);
            if (m == null) {
                throw new NoModelException("model '" + model + "' has no accepted (valid, signature-checked) version "
                        + "on the models topic '" + t.models() + "': nothing replayed; publish a version first");
            }
            log.println("model " + model + " has v" + m.version() + ": replaying its parked records from '"
                    + t.parking() + "' (group " + group + ")");
        }
        Properties cp = KafkaClients.consumer(client, group, "normalcy-replay-parked");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = producer(client, group)) {
            producer.initTransactions();
            return replay(consumer, producer, model, t.parking());
        }
    }

    private Result replay(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer,
                          String model, String parking) {
        List<TopicPartition> parts = TopicReader.partitions(consumer, parking, "normalcy.detector.topics.parking");
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new java.util.HashSet<>(parts));
        Map<TopicPartition, Long> start = consumer.beginningOffsets(parts);
        Map<TopicPartition, Long> from = new HashMap<>();
        parts.forEach(tp -> from.put(tp, committed.get(tp) == null ? start.get(tp)
                : Math.max(start.get(tp), committed.get(tp).offset())));
        long[] moved = {0};
        long[] unreadable = {0};
        Map<String, Long> others = new TreeMap<>();
        Batch batch = new Batch(consumer, producer);
        TopicReader.read(consumer, from, end, r -> {
            String owner = header(r, BatchScorer.PARKING_MODEL_HEADER);
            if (!model.equals(owner)) {
                others.merge(owner == null ? "(none)" : owner, 1L, Long::sum);
            } else {
                String source = sourceTopic(header(r, BatchScorer.PARKING_SOURCE_HEADER));
                if (source == null) {
                    unreadable[0]++;
                    log.println("parked record " + r.topic() + "-" + r.partition() + "@" + r.offset()
                            + " has no usable " + BatchScorer.PARKING_SOURCE_HEADER + " header: left where it is");
                } else {
                    batch.send(new ProducerRecord<>(source, null, r.timestamp(), r.key(), r.value(), original(r)));
                    moved[0]++;
                }
            }
            batch.done(r);
            return true;
        }, batch::commit);
        batch.commit();
        return new Result(moved[0], others, unreadable[0]);
    }

    /** The topic of a {@code normalcy.parking.source} value ({@code topic-partition@offset}), or null. */
    static String sourceTopic(String source) {
        if (source == null) {
            return null;
        }
        int at = source.lastIndexOf('@');
        int dash = at < 0 ? -1 : source.lastIndexOf('-', at);
        if (dash <= 0) {
            return null;
        }
        try {
            Integer.parseInt(source.substring(dash + 1, at));
            Long.parseLong(source.substring(at + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        return source.substring(0, dash);
    }

    private static RecordHeaders original(ConsumerRecord<byte[], byte[]> r) {
        RecordHeaders h = new RecordHeaders();
        for (Header x : r.headers()) {
            if (!BatchScorer.PARKING_HEADERS.contains(x.key())) {
                h.add(x);
            }
        }
        return h;
    }

    private static String header(ConsumerRecord<?, ?> r, String key) {
        Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static KafkaProducer<byte[], byte[]> producer(Properties client, String group) {
        Properties p = KafkaClients.producer(client, "normalcy-replay-parked");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** The copies and consumed offsets of one poll, committed in one transaction. */
    private static final class Batch {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        private boolean open;

        Batch(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> producer) {
            this.consumer = consumer;
            this.producer = producer;
        }

        void send(ProducerRecord<byte[], byte[]> record) {
            begin();
            producer.send(record);
        }

        void done(ConsumerRecord<?, ?> r) {
            begin();
            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }

        private void begin() {
            if (!open) {
                producer.beginTransaction();
                open = true;
            }
        }

        void commit() {
            if (!open) {
                return;
            }
            producer.sendOffsetsToTransaction(Map.copyOf(offsets), consumer.groupMetadata());
            producer.commitTransaction();
            offsets.clear();
            open = false;
        }
    }
}
