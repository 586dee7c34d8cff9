package io.normalcy.trainer.service;

import io.normalcy.avro.TrainingStatus;
import io.normalcy.trainer.status.Recovery;
import io.normalcy.trainer.status.StatusHeaders;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The latest status of every request in the tail of {@code normalcy.training-status}, read at start-up: the ids
 * tell which requests were already accepted (so one re-delivered from normalcy.retrain is not trained twice),
 * and the non-terminal ones with their journal headers are what {@link Recovery} resumes or closes. Only the
 * last {@code max} records per partition are read: cheap, and older requests are long finished.
 */
public final class StatusHistory {
    private static final Logger LOG = LoggerFactory.getLogger(StatusHistory.class);

    private StatusHistory() {
    }

    /** Request id → its latest status in the tail, in the order of those latest records. */
    public static Map<String, Recovery.Entry> latest(Consumer<String, byte[]> c,
                                                     org.apache.kafka.common.serialization.Deserializer<TrainingStatus> d,
                                                     String topic, int max, Duration timeout) {
        Map<String, Recovery.Entry> latest = new LinkedHashMap<>();
        List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return latest;
        }
        List<TopicPartition> tps = new ArrayList<>();
        infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
        c.assign(tps);
        Map<TopicPartition, Long> end = c.endOffsets(tps, timeout);
        Map<TopicPartition, Long> begin = c.beginningOffsets(tps, timeout);
        List<TopicPartition> pending = new ArrayList<>();
        for (TopicPartition tp : tps) {
            long from = Math.max(begin.get(tp), end.get(tp) - max);
            if (from < end.get(tp)) {
                c.seek(tp, from);
                pending.add(tp);
            }
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                TrainingStatus s;
                try {
                    s = d.deserialize(r.topic(), r.value());
                } catch (RuntimeException e) {
                    continue; // not ours to judge; the status topic is informational
                }
                if (s != null) {
                    latest.remove(s.getRequestId()); // keep the map in the order of the latest records
                    latest.put(s.getRequestId(), new Recovery.Entry(s, StatusHeaders.owner(r.headers()),
                            StatusHeaders.request(r.headers())));
                }
            }
            pending.removeIf(tp -> c.position(tp) >= end.get(tp));
        }
        if (!pending.isEmpty()) {
            LOG.warn("{} not read to its end within {}: unfinished requests in the unread part are not recovered",
                    pending, timeout);
        }
        return latest;
    }
}
