package io.normalcy.trainer.service;

import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request ids that already reached a terminal state, read from the tail of {@code normalcy.training-status} at
 * start-up, so a retrain request re-delivered after a restart (offset not yet committed) is not trained twice.
 * Only the last {@code max} records per partition are read: cheap, and older requests are long committed.
 */
public final class StatusHistory {
    private StatusHistory() {
    }

    public static Set<String> terminalIds(Consumer<String, byte[]> c, org.apache.kafka.common.serialization.Deserializer<TrainingStatus> d,
                                          String topic, int max, Duration timeout) {
        Set<String> ids = new LinkedHashSet<>();
        List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return ids;
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
                if (s != null && (s.getState() == TrainingState.SUCCEEDED || s.getState() == TrainingState.FAILED)) {
                    ids.add(s.getRequestId());
                }
            }
            pending.removeIf(tp -> c.position(tp) >= end.get(tp));
        }
        return ids;
    }
}
