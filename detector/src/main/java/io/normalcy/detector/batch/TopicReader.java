package io.normalcy.detector.batch;

import io.normalcy.detector.delivery.KafkaClients;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Bounded reading of topic partitions: from given start offsets to the end offsets captured when reading starts
 * (read_committed: the last stable offsets), so a run never waits for records that arrive later. A partition
 * that stays silent before reaching its end for {@link #IDLE} fails the run instead of hanging it.
 */
final class TopicReader {
    static final Duration IDLE = Duration.ofMinutes(2);

    private TopicReader() {
    }

    /** A consumer without a group (manual assignment: no live group is joined or committed to). */
    static KafkaConsumer<byte[], byte[]> consumer(Properties client, String clientId) {
        return new KafkaConsumer<>(KafkaClients.consumer(client, null, clientId), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    /** The partitions of {@code topic}; IllegalArgumentException naming {@code option} when it does not exist. */
    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, String option) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException(option + ": topic '" + topic + "' does not exist");
        }
        return infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }

    /** Feeds every record of {@code topic} up to its current end to {@code each}. */
    static void readAll(KafkaConsumer<byte[], byte[]> consumer, String topic, String option,
                        Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> parts = partitions(consumer, topic, option);
        Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(parts));
        read(consumer, start, consumer.endOffsets(parts), r -> {
            each.accept(r);
            return true;
        });
    }

    /** Callback per record: false stops reading its partition. */
    interface Handler {
        boolean accept(ConsumerRecord<byte[], byte[]> record);
    }

    /** Reads each partition from {@code start} to {@code end} (exclusive) or until the handler stops it. */
    static void read(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> start,
                     Map<TopicPartition, Long> end, Handler handler) {
        read(consumer, start, end, handler, () -> { });
    }

    /** As above; {@code afterPoll} runs after the records of each poll were handled (a transaction boundary). */
    static void read(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> start,
                     Map<TopicPartition, Long> end, Handler handler, Runnable afterPoll) {
        Map<TopicPartition, Long> active = new HashMap<>();
        start.forEach((tp, offset) -> {
            if (offset < end.get(tp)) {
                active.put(tp, end.get(tp));
            }
        });
        consumer.assign(active.keySet());
        active.keySet().forEach(tp -> consumer.seek(tp, start.get(tp)));
        long lastProgress = System.nanoTime();
        while (!active.isEmpty()) {
            var batch = consumer.poll(Duration.ofMillis(500));
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                Long stop = active.get(tp);
                if (stop == null || r.offset() >= stop) {
                    stop(consumer, active, tp);
                } else if (!handler.accept(r)) {
                    stop(consumer, active, tp);
                }
            }
            afterPoll.run();
            for (TopicPartition tp : List.copyOf(active.keySet())) {
                if (consumer.position(tp) >= active.get(tp)) {
                    stop(consumer, active, tp);
                }
            }
            if (!batch.isEmpty()) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > IDLE.toNanos()) {
                throw new IllegalStateException("no records for " + IDLE + " before the end offsets of " + active
                        + " were reached");
            }
        }
        consumer.assign(List.of());
    }

    private static void stop(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> active, TopicPartition tp) {
        if (active.remove(tp) != null) {
            consumer.pause(List.of(tp));
        }
    }
}
