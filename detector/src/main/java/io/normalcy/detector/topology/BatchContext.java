package io.normalcy.detector.topology;

import java.io.File;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The processor context of a {@link BatchScorer}: hands the detector's processors their stores, the coordinates
 * of the record being processed and a sink for what they forward. Punctuations are not run (a bounded run has no
 * wall-clock housekeeping to do: the cool-down purge only bounds memory). Single-threaded.
 */
final class BatchContext implements ProcessorContext<Object, Object> {
    private static final TaskId TASK = new TaskId(0, 0);
    private final Map<String, StateStore> stores = new HashMap<>();
    private boolean scoringStarted;
    private RecordMetadata metadata;
    private Consumer<Record<byte[], Output>> sink;

    BatchContext(List<StateStore> stores) {
        stores.forEach(s -> this.stores.put(s.name(), s));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    <K, V> ProcessorContext<K, V> forModels() {
        return (ProcessorContext) this;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    ProcessorContext<byte[], Output> forScoring() {
        scoringStarted = true;
        return (ProcessorContext) this;
    }

    boolean scoringStarted() {
        return scoringStarted;
    }

    /** Sets the coordinates and the sink of the next record (topic null: between records). */
    void run(String topic, int partition, long offset, Consumer<Record<byte[], Output>> sink) {
        this.sink = sink;
        this.metadata = topic == null ? null : new RecordMetadata() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }
        };
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K extends Object, V extends Object> void forward(Record<K, V> record) {
        if (sink == null) {
            throw new IllegalStateException("forward outside of a record");
        }
        sink.accept((Record<byte[], Output>) (Record<?, ?>) record);
    }

    @Override
    public <K extends Object, V extends Object> void forward(Record<K, V> record, String childName) {
        forward(record);
    }

    @Override
    public String applicationId() {
        return "normalcy-detector-batch";
    }

    @Override
    public TaskId taskId() {
        return TASK;
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
        return Optional.ofNullable(metadata);
    }

    @Override
    public Serde<?> keySerde() {
        return null;
    }

    @Override
    public Serde<?> valueSerde() {
        return null;
    }

    @Override
    public File stateDir() {
        return null;
    }

    @Override
    public StreamsMetrics metrics() {
        return null;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S extends StateStore> S getStateStore(String name) {
        S store = (S) stores.get(name);
        if (store == null) {
            throw new IllegalArgumentException("no store " + name);
        }
        return store;
    }

    @Override
    public Cancellable schedule(Duration interval, PunctuationType type, Punctuator callback) {
        return () -> { };
    }

    @Override
    public void commit() {
        // nothing to commit: the caller owns the offsets
    }

    @Override
    public Map<String, Object> appConfigs() {
        return Map.of();
    }

    @Override
    public Map<String, Object> appConfigsWithPrefix(String prefix) {
        return Map.of();
    }

    @Override
    public long currentSystemTimeMs() {
        return System.currentTimeMillis();
    }

    @Override
    public long currentStreamTimeMs() {
        return System.currentTimeMillis();
    }
}
