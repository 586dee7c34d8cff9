package io.normalcy.trainer.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.fit.RawRecord;
import io.normalcy.schemas.mapping.RecordMapping;
import io.normalcy.schemas.mapping.RecordMappings;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.Parameters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** History of a model whose records are raw JSON on a mapped topic ({@code normalcy.trainer.mappings}). */
class MappedHistoryTest {
    private static final String TOPIC = "card-events";

    static MockConsumer<String, byte[]> consumer(String topic, List<String> keys, List<String> values) {
        TopicPartition tp = new TopicPartition(topic, 0);
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.updatePartitions(topic, List.of(new PartitionInfo(topic, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(tp, 0L));
        consumer.updateEndOffsets(Map.of(tp, (long) values.size()));
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < values.size(); i++) {
                byte[] v = values.get(i).getBytes(StandardCharsets.UTF_8);
                consumer.addRecord(new ConsumerRecord<>(topic, 0, i, 1_000L + i, TimestampType.CREATE_TIME, 0,
                        v.length, keys.get(i), v, new RecordHeaders(), Optional.empty()));
            }
        });
        return consumer;
    }

    private static Map<String, RecordMapping> mappings() {
        return RecordMappings.parse("normalcy.trainer.mappings", Map.of("cards", Map.of("topic", TOPIC,
                "model", "cards", "event-time", "ts", "context", Map.of("region", "card.region"),
                "features", Map.of("amount", "amount", "first", "items[0]"))));
    }

    @Test
    void aModelNamedByAMappingIsTrainedFromItsTopicThroughTheMapping() {
        List<String> values = List.of(
                "{\"card\":{\"region\":\"eu\"},\"amount\":12.5,\"items\":[3,4],\"ts\":\"2026-03-01T10:00:00Z\"}",
                "{\"card\":{\"region\":\"us\"},\"amount\":7,\"items\":[1],\"ts\":1772359200}",
                "{\"card\":{\"region\":\"us\"},\"amount\":7,\"items\":[],\"ts\":1772359200}",
                "not json");
        TopicHistorySource source = new TopicHistorySource(Map.of(), "normalcy.features", Duration.ofSeconds(5), null,
                mappings());
        assertEquals(TOPIC, source.topicOf("cards"));
        assertEquals("normalcy.features", source.topicOf("other"));
        ModelDefinition def = Parameters.apply(ModelDefinition.defaults("cards"),
                Map.of("categorical-context", "region"), "");
        History h = source.read(consumer(TOPIC, List.of("k1", "k2", "k3", "k4"), values), def, null, null, 100);
        assertEquals(List.of(
                new RawRecord(Map.of("amount", 12.5, "first", 3.0), Map.of("region", "eu"), Map.of(),
                        Instant.parse("2026-03-01T10:00:00Z").toEpochMilli()),
                new RawRecord(Map.of("amount", 7.0, "first", 1.0), Map.of("region", "us"), Map.of(),
                        1_772_359_200_000L)), h.rows());
        assertEquals(Map.of("UNMAPPABLE", 2L), h.skips().byReason());
        assertTrue(h.skips().example(SkipReason.UNMAPPABLE).contains("items[0]"), h.skips().describe());
        assertEquals("topic " + TOPIC, h.source());
    }

    /**
     * Issue 12 item 4: a record lacking a feature whose policy is not dead-letter is not unmappable: it reaches the
     * validator, which leaves it out of training as a MISSING_FEATURE skip (counted); a feature without such a policy
     * still makes the record UNMAPPABLE.
     */
    @Test
    void aMissingFeatureWithAPolicyIsAMissingFeatureSkipNotUnmappable() {
        List<String> values = List.of(
                "{\"card\":{\"region\":\"eu\"},\"amount\":12.5,\"items\":[3],\"ts\":1772359200}",
                "{\"card\":{\"region\":\"eu\"},\"amount\":null,\"items\":[3],\"ts\":1772359200}",
                "{\"card\":{\"region\":\"eu\"},\"items\":[3],\"ts\":1772359200}",
                "{\"card\":{\"region\":\"eu\"},\"amount\":1,\"items\":[],\"ts\":1772359200}");
        TopicHistorySource source = new TopicHistorySource(Map.of(), "normalcy.features", Duration.ofSeconds(5), null,
                mappings());
        ModelDefinition def = Parameters.apply(ModelDefinition.defaults("cards"), Map.of("categorical-context",
                "region", "features", "amount,first", "missing-impute", "amount"), "");
        History h = source.read(consumer(TOPIC, List.of("k1", "k2", "k3", "k4"), values), def, null, null, 100);
        assertEquals(1, h.rows().size());
        assertEquals(Map.of("MISSING_FEATURE", 2L, "UNMAPPABLE", 1L), h.skips().byReason());
        assertTrue(h.skips().example(SkipReason.MISSING_FEATURE).contains("'amount'"), h.skips().describe());
    }
}
