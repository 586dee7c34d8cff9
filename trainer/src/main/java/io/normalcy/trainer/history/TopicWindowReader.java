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

    /**
     * @param from   inclusive start (epoch ms), null = from the beginning
     * @param to     exclusive end (epoch ms), null = up to the end offsets captured now
     * @param sink   receives each record in the window; returns true when it used the record (counts to the cap)
     */
    public Result read(String topic, Long from, Long to, long maxRecords, Predicate<ConsumerRecord<K, V>> sink) {
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
        List<TopicPartition> remaining = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            if (start.get(tp) < end.get(tp)) {
                consumer.seek(tp, start.get(tp));
                remaining.add(tp);
            }
        }
        Map<String, Long> reached = new TreeMap<>();
        for (TopicPartition tp : partitions) {
            reached.put(tp.toString(), start.get(tp));
        }
        consumer.pause(partitions);
        consumer.resume(remaining);
        long offered = 0;
        long accepted = 0;
        boolean truncated = false;
        long deadline = System.nanoTime() + maxDuration.toNanos();
        while (!remaining.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading " + topic + " did not reach the end offsets within "
                        + maxDuration + "; still missing " + remaining);
            }
            ConsumerRecords<K, V> records = consumer.poll(pollTimeout);
            for (ConsumerRecord<K, V> r : records) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                long stop = end.get(tp);
                if (r.offset() >= stop) {
                    continue;
                }
                reached.put(tp.toString(), r.offset() + 1);
                if ((from != null && r.timestamp() < from) || (to != null && r.timestamp() >= to)) {
                    continue;
                }
                offered++;
                if (sink.test(r)) {
                    accepted++;
                    if (accepted >= maxRecords) {
                        truncated = true;
                        break;
                    }
                }
            }
            if (truncated) {
                break;
            }
            List<TopicPartition> done = new ArrayList<>();
            for (TopicPartition tp : remaining) {
                // position() also moves past transaction markers and aborted records, which never reach poll()
                if (consumer.position(tp) >= end.get(tp)) {
                    done.add(tp);
                    reached.put(tp.toString(), Math.max(reached.get(tp.toString()), end.get(tp)));
                }
            }
            if (!done.isEmpty()) {
                remaining.removeAll(done);
                consumer.pause(done);
            }
        }
        LOG.info("read {} [{}, {}): {} records in window, {} accepted{}", topic, from, to, offered, accepted,
                truncated ? " (cap " + maxRecords + " reached)" : "");
        return new Result(offered, accepted, reached, truncated);
    }

    private static Map<TopicPartition, Long> timestamps(List<TopicPartition> partitions, long t) {
        Map<TopicPartition, Long> m = new HashMap<>();
        for (TopicPartition tp : partitions) {
            m.put(tp, t);
        }
        return m;
    }
}
