package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelVersion;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What has been published to the compacted models topic: every version still on the topic, per model. The
 * topic is the source of truth (several trainer instances may publish), so the catalog re-reads it from where
 * it stopped before each version number is chosen: next version = highest seen + 1. Records that do not decode
 * are logged and ignored. Thread-safe.
 */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    private final Supplier<Consumer<String, ModelVersion>> consumers;
    private final String topic;
    private final Duration timeout;
    private final Map<String, NavigableMap<Long, ModelSummary>> models = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    public ModelCatalog(Supplier<Consumer<String, ModelVersion>> consumers, String topic, Duration timeout) {
        this.consumers = consumers;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Reads the topic from the last position to its current end. */
    public synchronized void refresh() {
        try (Consumer<String, ModelVersion> c = consumers.get()) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return;
            }
            List<TopicPartition> tps = new ArrayList<>();
            infos.forEach(i -> tps.add(new TopicPartition(i.topic(), i.partition())));
            c.assign(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, timeout);
            Map<TopicPartition, Long> begin = c.beginningOffsets(tps, timeout);
            List<TopicPartition> pending = new ArrayList<>();
            for (TopicPartition tp : tps) {
                long from = Math.max(positions.getOrDefault(tp, 0L), begin.get(tp));
                if (from < end.get(tp)) {
                    c.seek(tp, from);
                    pending.add(tp);
                }
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!pending.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " did not reach its end within " + timeout);
                }
                for (ConsumerRecord<String, ModelVersion> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        try {
                            add(ModelSummaries.of(r.value()));
                        } catch (RuntimeException e) {
                            LOG.warn("ignoring unreadable model record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
                        }
                    }
                }
                pending.removeIf(tp -> {
                    long pos = c.position(tp);
                    positions.put(tp, pos);
                    return pos >= end.get(tp);
                });
            }
        }
    }

    /** Records a version this instance just published (visible before the next refresh). */
    public synchronized void add(ModelSummary s) {
        models.computeIfAbsent(s.model(), m -> new TreeMap<>()).put(s.version(), s);
    }

    /** Highest published version + 1 (1 for a new model), after re-reading the topic. */
    public synchronized long nextVersion(String model) {
        refresh();
        NavigableMap<Long, ModelSummary> v = models.get(model);
        return v == null || v.isEmpty() ? 1 : v.lastKey() + 1;
    }

    public synchronized List<String> names() {
        return models.keySet().stream().sorted().toList();
    }

    /** Versions of a model, newest first. */
    public synchronized List<ModelSummary> versions(String model) {
        NavigableMap<Long, ModelSummary> v = models.get(model);
        return v == null ? List.of() : new ArrayList<>(v.descendingMap().values());
    }

    public synchronized Optional<ModelSummary> latest(String model) {
        NavigableMap<Long, ModelSummary> v = models.get(model);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.lastEntry().getValue());
    }
}
