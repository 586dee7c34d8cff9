package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelControlAction;
import io.normalcy.avro.ModelVersion;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.kafka.TopicReader;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What has been published to the compacted models topic, per model: the versions still on it, the versions retired
 * by RETIRE records, and the pin in force. The topic is the source of truth (several trainer instances may publish),
 * so the catalog re-reads it from where it stopped; {@link ModelPublisher} does so inside its fenced section before
 * it numbers a version (next version = highest ever seen + 1, retired ones included, so a number is never reused).
 *
 * <p>Reads raw bytes and decodes per record: junk, JSON, records of unknown schemas and tombstones are skipped,
 * logged and counted ({@link #skipped()}), so nothing on the topic can stop start-up or a retrain. The catalog does
 * not verify signatures (detectors do): it is this trainer's view of the topic. Thread-safe.
 */
public final class ModelCatalog {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    private final Supplier<Consumer<byte[], byte[]>> consumers;
    private final TopicReader.EndOffsets ends;
    private final String topic;
    private final Duration timeout;
    private final ModelsTopicDecoder decoder = new ModelsTopicDecoder();
    private final Map<String, Model> models = new HashMap<>();
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private long skipped;

    private static final class Model {
        final NavigableMap<Long, ModelSummary> versions = new TreeMap<>();
        final Set<Long> retired = new HashSet<>();
        long highestVersion;
        ModelControl pin;
    }

    /**
     * @param consumers creates a {@code read_committed} consumer of raw bytes (closed after each read)
     * @param ends      end offsets to read to: {@link TopicReader#writtenEnd} so a read also waits for transactions
     *                  open when it starts (another trainer's publish); null = the consumer's own end offsets
     */
    public ModelCatalog(Supplier<Consumer<byte[], byte[]>> consumers, TopicReader.EndOffsets ends, String topic,
                        Duration timeout) {
        this.consumers = consumers;
        this.ends = ends;
        this.topic = topic;
        this.timeout = timeout;
    }

    /** Reads the topic from the last position to its current end. */
    public synchronized void refresh() {
        try (Consumer<byte[], byte[]> c = consumers.get()) {
            positions.putAll(TopicReader.readToEnd(c, topic, TopicReader.from(positions), ends, timeout, this::apply));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            skip(r, "tombstone (nothing is deleted by one)");
            return;
        }
        ModelsTopicDecoder.Decoded d;
        try {
            d = decoder.decode(r.topic(), r.value());
        } catch (RuntimeException e) {
            skip(r, e.getMessage());
            return;
        }
        if (d.isVersion()) {
            ModelVersion mv = d.version();
            if (!ModelKeys.isValidModelName(mv.getModel()) || mv.getVersion() < 1) {
                skip(r, "model version with an invalid name or version");
                return;
            }
            try {
                add(ModelSummaries.of(mv));
            } catch (RuntimeException e) {
                skip(r, "model version without the fields a summary needs: " + e);
            }
        } else {
            applyControl(d.control());
        }
    }

    private void skip(ConsumerRecord<byte[], byte[]> r, String why) {
        skipped++;
        LOG.warn("ignoring record {}-{}@{} (key '{}') of the models topic: {}", r.topic(), r.partition(), r.offset(),
                r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), why);
    }

    /** Records a control this instance just published, or one read from the topic. */
    public synchronized void applyControl(ModelControl c) {
        if (!ModelKeys.isValidModelName(c.getModel()) || c.getAction() == null) {
            return;
        }
        Model m = models.computeIfAbsent(c.getModel(), k -> new Model());
        if (c.getAction() == ModelControlAction.RETIRE) {
            if (c.getVersion() != null) {
                m.retired.add(c.getVersion());
                m.highestVersion = Math.max(m.highestVersion, c.getVersion());
            }
        } else if (m.pin == null || c.getSequence() > m.pin.getSequence()) {
            m.pin = c;
        }
    }

    /** Records a version this instance just published (visible before the next refresh). */
    public synchronized void add(ModelSummary s) {
        Model m = models.computeIfAbsent(s.model(), k -> new Model());
        m.versions.put(s.version(), s);
        m.highestVersion = Math.max(m.highestVersion, s.version());
    }

    /** Highest version ever published + 1 (1 for a new model), after re-reading the topic. */
    public synchronized long nextVersion(String model) {
        refresh();
        return nextVersionAsRead(model);
    }

    /** As {@link #nextVersion} without reading the topic (the publisher has just read it). */
    synchronized long nextVersionAsRead(String model) {
        Model m = models.get(model);
        if (m == null) {
            return 1;
        }
        if (m.highestVersion == Long.MAX_VALUE) {
            throw new IllegalStateException("model " + model + ": the models topic holds version " + Long.MAX_VALUE
                    + ", no next version exists (a forged record? restrict who may write the topic)");
        }
        return m.highestVersion + 1;
    }

    /** Sequence for the next PIN/UNPIN of {@code model}: higher than any on the topic. */
    synchronized long nextPinSequence(String model) {
        Model m = models.get(model);
        return m == null || m.pin == null ? 1 : m.pin.getSequence() + 1;
    }

    /**
     * Versions to retire so that only the newest {@code keep} remain besides the pinned one; {@code published}
     * is the version just published (counts as the newest).
     */
    synchronized List<Long> retirable(String model, int keep, long published) {
        TreeSet<Long> live = new TreeSet<>(versionNumbers(model));
        live.add(published);
        Long pinned = pinnedVersion(model).orElse(null);
        List<Long> out = new ArrayList<>();
        int kept = 0;
        for (Long v : live.descendingSet()) {
            if (kept < keep) {
                kept++;
            } else if (!v.equals(pinned)) {
                out.add(v);
            }
        }
        out.sort(null);
        return out;
    }

    private List<Long> versionNumbers(String model) {
        Model m = models.get(model);
        return m == null ? List.of()
                : m.versions.keySet().stream().filter(v -> !m.retired.contains(v)).toList();
    }

    /** Models with a version that is not retired. */
    public synchronized List<String> names() {
        return models.entrySet().stream().filter(e -> !versionNumbers(e.getKey()).isEmpty()).map(Map.Entry::getKey)
                .sorted().toList();
    }

    /** Versions of a model that are not retired, newest first. */
    public synchronized List<ModelSummary> versions(String model) {
        Model m = models.get(model);
        if (m == null) {
            return List.of();
        }
        List<ModelSummary> out = new ArrayList<>();
        m.versions.descendingMap().forEach((v, s) -> {
            if (!m.retired.contains(v)) {
                out.add(s);
            }
        });
        return out;
    }

    public synchronized Optional<ModelSummary> latest(String model) {
        List<ModelSummary> v = versions(model);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    /** The version a PIN in force names (detectors serve it instead of the newest), if any. */
    public synchronized Optional<Long> pinnedVersion(String model) {
        Model m = models.get(model);
        return m == null || m.pin == null || m.pin.getAction() != ModelControlAction.PIN
                ? Optional.empty() : Optional.ofNullable(m.pin.getVersion());
    }

    /** Records of the topic this catalog could not use (undecodable, tombstones), since start-up. */
    public synchronized long skipped() {
        return skipped;
    }
}
