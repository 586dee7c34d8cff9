package io.normalcy.schemas.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The one "read a topic to its end" of Normalcy (the trainer's model catalog, status history, ...): assign every
 * partition of a topic (no consumer group), seek to where the caller says, and poll until every partition's
 * position reaches the end offset captured when the read started, handing each record to a callback. Values as
 * raw {@code byte[]} (keys may be strings): the caller decodes per record, so one undecodable record can be skipped
 * instead of failing {@code poll()} (a typed deserializer throws from {@code poll()} before any per-record handling).
 *
 * <p>Which end: {@link #endOffsets(org.apache.kafka.clients.consumer.Consumer)} is what the consumer reports (for a
 * {@code read_committed} consumer the last stable offset: records behind an open transaction are not waited for);
 * {@link #writtenEnd(Admin)} is the log end, so a {@code read_committed} read also waits until every transaction
 * open at the start is committed or aborted (needed to see everything another publisher committed).
 */
public final class TopicReader {
    private TopicReader() {
    }

    /** Where to start in one partition, given its beginning and the captured end offset. */
    @FunctionalInterface
    public interface Start {
        long offset(TopicPartition partition, long beginning, long end);
    }

    /** End offsets to read to. */
    @FunctionalInterface
    public interface EndOffsets {
        Map<TopicPartition, Long> of(Collection<TopicPartition> partitions);
    }

    /** From the first record still on the topic. */
    public static Start fromBeginning() {
        return (tp, begin, end) -> begin;
    }

    /** From {@code positions} (e.g. where the previous read ended), the beginning for partitions not in it. */
    public static Start from(Map<TopicPartition, Long> positions) {
        Map<TopicPartition, Long> copy = Map.copyOf(positions);
        return (tp, begin, end) -> Math.max(begin, copy.getOrDefault(tp, begin));
    }

    /** The last {@code n} offsets of each partition. */
    public static Start lastN(long n) {
        return (tp, begin, end) -> Math.max(begin, end - n);
    }

    /** The consumer's own end offsets (the last stable offset for a read_committed consumer). */
    public static EndOffsets endOffsets(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Duration timeout) {
        return tps -> consumer.endOffsets(tps, timeout);
    }

    /** The log end offsets (read_uncommitted) as the admin client reports them. */
    public static EndOffsets writtenEnd(Admin admin) {
        return tps -> {
            Map<TopicPartition, OffsetSpec> q = new HashMap<>();
            tps.forEach(tp -> q.put(tp, OffsetSpec.latest()));
            try {
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> r = admin.listOffsets(q,
                        new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get();
                Map<TopicPartition, Long> out = new HashMap<>();
                r.forEach((tp, info) -> out.put(tp, info.offset()));
                return out;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while listing end offsets of " + tps, e);
            } catch (ExecutionException e) {
                throw new KafkaException("cannot list end offsets of " + tps + ": " + e.getCause(), e.getCause());
            }
        };
    }

    /** Every partition of {@code topic}; empty when the topic does not exist (yet). */
    public static List<TopicPartition> partitions(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
                                                  String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        List<TopicPartition> tps = new ArrayList<>();
        if (infos != null) {
            infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
        }
        return tps;
    }

    /**
     * As {@link #partitions}, for a background consumer that cannot start without the topic: a topic that does not
     * exist yet is a retriable {@link UnknownTopicOrPartitionException}, so {@link ConsumerLoop} tries again later.
     */
    public static List<TopicPartition> requirePartitions(org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
                                                         String topic, Duration timeout) {
        List<TopicPartition> tps = partitions(consumer, topic, timeout);
        if (tps.isEmpty()) {
            throw new UnknownTopicOrPartitionException("topic " + topic + " does not exist (yet)");
        }
        return tps;
    }

    /**
     * Reads {@code topic} from {@code start} to {@code ends} (null = the consumer's end offsets). The consumer is
     * re-assigned; the caller owns and closes it. A topic without partitions (or unknown) reads nothing.
     *
     * @return the position reached in each partition (= its end offset), e.g. for {@link #from} next time
     * @throws TimeoutException naming the topic and the partitions behind when the end is not reached in time
     */
    public static <K, V> Map<TopicPartition, Long> readToEnd(org.apache.kafka.clients.consumer.Consumer<K, V> consumer,
                                                             String topic, Start start, EndOffsets ends,
                                                             Duration timeout, Consumer<ConsumerRecord<K, V>> onRecord) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TopicPartition> tps = partitions(consumer, topic, timeout);
        Map<TopicPartition, Long> reached = new HashMap<>();
        if (tps.isEmpty()) {
            return reached;
        }
        consumer.assign(tps);
        Map<TopicPartition, Long> end = (ends == null ? endOffsets(consumer, timeout) : ends).of(tps);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(tps, timeout);
        List<TopicPartition> pending = new ArrayList<>();
        for (TopicPartition tp : tps) {
            long e = end.get(tp);
            long from = Math.min(start.offset(tp, begin.get(tp), e), e);
            consumer.seek(tp, from);
            reached.put(tp, from);
            if (from < e) {
                pending.add(tp);
            }
        }
        consumer.pause(tps.stream().filter(tp -> !pending.contains(tp)).toList());
        while (!pending.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("reading " + topic + " did not reach its end within " + timeout
                        + ": at " + reached + ", end " + end);
            }
            for (ConsumerRecord<K, V> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                    onRecord.accept(r);
                }
            }
            pending.removeIf(tp -> {
                long pos = consumer.position(tp);
                reached.put(tp, Math.min(pos, end.get(tp)));
                if (pos >= end.get(tp)) {
                    consumer.pause(List.of(tp));
                    return true;
                }
                return false;
            });
        }
        return reached;
    }
}
