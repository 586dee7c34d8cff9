package io.normalcy.trainer.publish;

import io.normalcy.avro.Architecture;
import io.normalcy.avro.ContextSpecRecord;
import io.normalcy.avro.FeatureSpec;
import io.normalcy.avro.FlowType;
import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.Provenance;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A one-partition models topic in memory: {@link MockConsumer}s reading it, records appended by tests. */
final class FakeModelsTopic {
    static final String TOPIC = "normalcy.models";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    private final ModelsTopicDecoder codec = new ModelsTopicDecoder();

    void append(String key, byte[] value) {
        records.add(new ConsumerRecord<>(TOPIC, 0, records.size(), key == null ? null
                : key.getBytes(StandardCharsets.UTF_8), value));
    }

    void append(ModelVersion mv) {
        append(ModelKeys.expectedKey(mv), bytes(mv));
    }

    byte[] bytes(ModelVersion mv) {
        return codec.encode(TOPIC, mv);
    }

    void append(ModelControl c) {
        append(ModelKeys.expectedKey(c), codec.encode(TOPIC, c));
    }

    /** What a transactional producer committed, appended as the broker would. */
    void appendCommitted(MockProducer<String, byte[]> producer) {
        for (ProducerRecord<String, byte[]> r : producer.history()) {
            append(r.key(), r.value());
        }
    }

    List<ConsumerRecord<byte[], byte[]>> records() {
        return records;
    }

    MockConsumer<byte[], byte[]> consumer() {
        MockConsumer<byte[], byte[]> c = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        c.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        c.updateBeginningOffsets(Map.of(TP, 0L));
        c.updateEndOffsets(Map.of(TP, (long) records.size()));
        List<ConsumerRecord<byte[], byte[]>> snapshot = List.copyOf(records);
        c.schedulePollTask(() -> snapshot.forEach(c::addRecord));
        return c;
    }

    ModelCatalog catalog() {
        return new ModelCatalog(this::consumer, null, TOPIC, Duration.ofSeconds(10));
    }

    /** A small model version that {@link ModelSummaries} can summarise (not a loadable flow). */
    static ModelVersion model(String name, long version) {
        return ModelDigests.withDigest(ModelVersion.newBuilder().setFormatVersion(ModelDigests.CURRENT_FORMAT_VERSION)
                .setModel(name).setVersion(version).setFlowType(FlowType.MAF)
                .setArchitecture(Architecture.newBuilder().setDim(1).setContextDim(0).setBlocks(1)
                        .setHidden(List.of(4)).setActNorm(false).setLuLinear(false).setPermutation("NONE")
                        .setOrdering("NATURAL").setAdditive(true).setSeed(1).build())
                .setFeatures(List.of(new FeatureSpec("amount", 0, false, false, 0.0, 1.0, 0.0)))
                .setContext(ContextSpecRecord.newBuilder().build()).setTensors(List.of())
                .setProvenance(Provenance.newBuilder().setTrainerVersion("test").setSeed(1).setRecordCount(10)
                        .setSkippedCount(0).setTrainNll(1.0).setValidationNll(1.1).setValidationCount(2)
                        .setBackend("CPU").setCreatedAt(Instant.parse("2026-05-01T00:00:00Z"))
                        .setFeatureSchemaFingerprint("00").build())
                .setDigest(ByteBuffer.allocate(0)).build());
    }
}
