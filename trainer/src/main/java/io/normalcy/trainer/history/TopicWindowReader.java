package io.normalcy.trainer.history;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Reads one bounded slice of a topic: every record with timestamp in {@code [from, to)}, from all partitions,
 * then stops. Start offsets come from {@code offsetsForTimes(from)} per partition; end offsets are captured once
 * with {@code endOffsets} (with {@code read_committed} that is the last stable offset) and lowered to
 * {@code offsetsForTimes(to)} when that exists, so records produced while we read do not extend the slice.
 * Timestamps are the Kafka record timestamps (what {@code offsetsForTimes} indexes); records inside the offset
 * range but outside the time range (out-of-order producers) are dropped. Reading stops early when
 * {@code maxRecords} records have been accepted. The consumer is assigned, never subscribed: no group, no commits.
 */
public final class TopicWindowReader<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(TopicWindowReader.class);

    /** Outcome: how many records were offered and accepted, where each partition ended, whether the cap hit. */
    public record Result(long offered, long accepted, Map<String, Long> endOffsets, boolean truncated) {
    }

    private final Consumer<K, V> consumer;
    private final Duration pollTimeout;
    private final Duration maxDuration;

    public TopicWindowReader(Consumer<K, V> consumer, Duration pollTimeout, Duration maxDuration) {
        this.consumer = consumer;
        this.pollTimeout = pollTimeout;
        this.maxDuration = maxDuration;
    }

    /** Where each partition's slice starts and ends (exclusive), in offsets. */
    private record Range(List<TopicPartition> partitions, Map<TopicPartition, Long> start,
                         Map<TopicPartition, Long> end) {
    }

    /** What the poll loop has done so far. */
    private static final class Progress {
        final Map<String, Long> reached = new TreeMap<>();
        final List<TopicPartition> remaining = new ArrayList<>();
        long offered;
        long accepted;
        boolean truncated;
    }

    /**
     * @param from   inclusive start (epoch ms), null = from the beginning
     * @param to     exclusive end (epoch ms), null = up to the end offsets captured now
     * @param sink   receives each record in the window; returns true when it used the record (counts to the cap)
     */
    public Result read(String topic, Long from, Long to, long maxRecords, Predicate<ConsumerRecord<K, V>> sink) {
        Range range = range(topic, from, to);
        Progress p = seek(range);
        long deadline = System.nanoTime() + maxDuration.toNanos();
        while (!p.remaining.isEmpty() && !p.truncated) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading " + topic + " did not reach the end offsets within "
                        + maxDuration + "; still missing " + p.remaining);
            }
            offer(consumer.poll(pollTimeout), range, from, to, maxRecords, sink, p);
            if (!p.truncated) {
                finishPartitions(range, p);
            }
        }
        LOG.info("read {} [{}, {}): {} records in window, {} accepted{}", topic, from, to, p.offered, p.accepted,
                p.truncated ? " (cap " + maxRecords + " reached)" : "");
        return new Result(p.offered, p.accepted, p.reached, p.truncated);
    }

    /** Assigns every partition of {@code topic} and finds the offset range of the time window in each. */
    private Range range(String topic, Long from, Long to) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic '" + topic + "' does not exist or has no partitions");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : infos) {
            partitions.add(new TopicPartition(p.topic(), p.partition()));
        }
        consumer.assign(partitions);
        Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
        Map<TopicPartition, Long> start = new HashMap<>(consumer.beginningOffsets(partitions));
        if (from != null) {
            Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(timestamps(partitions, from));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp o = byTime.get(tp);
                start.put(tp, o == null ? end.get(tp) : Math.max(o.offset(), start.get(tp)));
            }
        }
        if (to != null) {
            Map<TopicPartition, OffsetAndTimestamp> byTime = consumer.offsetsForTimes(timestamps(partitions, to));
            for (TopicPartition tp : partitions) {
                OffsetAndTimestamp o = byTime.get(tp);
                if (o != null) {
                    end.put(tp, Math.min(o.offset(), end.get(tp)));
                }
            }
        }
        return new Range(partitions, start, end);
    }

    /** Seeks the partitions with something to read to their start and pauses the others. */
    private Progress seek(Range range) {
        Progress p = new Progress();
        for (TopicPartition tp : range.partitions()) {
            if (range.start().get(tp) < range.end().get(tp)) {
                consumer.seek(tp, range.start().get(tp));
                p.remaining.add(tp);
            }
            p.reached.put(tp.toString(), range.start().get(tp));
        }
        consumer.pause(range.partitions());
        consumer.resume(p.remaining);
        return p;
    }

    /** Hands the polled records inside the offset range and the time window to {@code sink}, up to the cap. */
    private void offer(ConsumerRecords<K, V> records, Range range, Long from, Long to, long maxRecords,
                       Predicate<ConsumerRecord<K, V>> sink, Progress p) {
        for (ConsumerRecord<K, V> r : records) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.offset() >= range.end().get(tp)) {
                continue;
            }
            p.reached.put(tp.toString(), r.offset() + 1);
            if ((from != null && r.timestamp() < from) || (to != null && r.timestamp() >= to)) {
                continue;
            }
            p.offered++;
            if (sink.test(r)) {
                p.accepted++;
                if (p.accepted >= maxRecords) {
                    p.truncated = true;
                    return;
                }
            }
        }
    }

    /** Pauses the partitions whose position reached their end offset. */
    private void finishPartitions(Range range, Progress p) {
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : p.remaining) {
            // position() also moves past transaction markers and aborted records, which never reach poll()
            long end = range.end().get(tp);
            if (consumer.position(tp) >= end) {
                done.add(tp);
                p.reached.put(tp.toString(), Math.max(p.reached.get(tp.toString()), end));
            }
        }
        if (!done.isEmpty()) {
            p.remaining.removeAll(done);
            consumer.pause(done);
        }
    }

    private static Map<TopicPartition, Long> timestamps(List<TopicPartition> partitions, long t) {
        Map<TopicPartition, Long> m = new HashMap<>();
        for (TopicPartition tp : partitions) {
            m.put(tp, t);
        }
        return m;
    }
}
