package io.normalcy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.topology.FeatureDecoder;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.schemas.mapping.MappingException;
import io.normalcy.schemas.mapping.RecordMappings;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.StubSchemaRegistry;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.history.FeatureVectors;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.history.TopicHistorySource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/**
 * The same raw records, under the same mapping configuration, through the detector's input decoding
 * ({@link FeatureDecoder}) and through the trainer's history reader ({@link TopicHistorySource}) give identical
 * vectors: what a model is trained on is what it scores. Here because this module depends on both services.
 */
class MappingParityTest {
    private static final String TOPIC = "card-events";
    private static final String SCHEMA = """
            {"type":"record","name":"CardEvent","namespace":"com.example","fields":[
              {"name":"card","type":{"type":"record","name":"Card","fields":[
                {"name":"id","type":"string"},{"name":"region","type":["null","string"]}]}},
              {"name":"amount","type":"double"},
              {"name":"flags","type":{"type":"array","items":"boolean"}},
              {"name":"h","type":"int"},
              {"name":"ts","type":"string"}]}""";

    private static Map<String, Object> config() {
        return Map.of("cards", Map.of("topic", TOPIC, "model", "cards", "entity", "card.id", "event-time", "ts",
                "time-zone", "Europe/Paris", "context", Map.of("region", "card.region"),
                "context-numeric", Map.of("hour", "h"),
                "features", Map.of("amount", "amount", "online", "flags[0]")));
    }

    @Test
    void detectorAndTrainerMapTheSameRecordsToTheSameVectors() throws Exception {
        try (StubSchemaRegistry stub = new StubSchemaRegistry()) {
            SchemaRegistryClient registry = new SchemaRegistryClient(RegistrySettings.of("r", stub.url()));
            Schema schema = new Schema.Parser().parse(SCHEMA);
            int id = stub.register(TOPIC + "-value", SCHEMA);
            Random rng = new Random(5);
            List<byte[]> values = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                values.add(i % 2 == 0 ? json(i, rng) : ConfluentAvroDecoder.encode(id, schema, avro(schema, i, rng)));
            }
            values.add("{\"card\":{\"region\":\"eu\"},\"amount\":1,\"flags\":[true],\"ts\":\"2026-03-01\"}"
                    .getBytes(StandardCharsets.UTF_8)); // no card.id: neither path may accept it

            FeatureDecoder detector = new FeatureDecoder(DetectorSettings.defaults()
                    .withMappings(RecordMappings.parse("normalcy.detector.mappings", config())), registry);
            List<RawRecord> scored = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                try {
                    scored.add(FeatureVectors.toRaw(detector.decode(TOPIC, null, 1_000L + i, values.get(i))));
                } catch (MappingException e) {
                    refused.add(e.path());
                }
            }
            TopicHistorySource trainer = new TopicHistorySource(Map.of(), "normalcy.features", Duration.ofSeconds(5),
                    registry, RecordMappings.parse("normalcy.trainer.mappings", config()));
            History history = trainer.read(consumer(values), ModelDefinition.defaults("cards"), null, null, 1000);

            assertEquals(40, scored.size());
            scored.sort(Comparator.comparingLong(RawRecord::eventTime)); // the trainer orders history by event time (stable)
            assertEquals(scored, history.rows(), "identical vectors from both paths");
            assertEquals(List.of("card.id"), refused);
            assertEquals(Map.of("UNMAPPABLE", 1L), history.skips().byReason());
            assertTrue(history.skips().describe().contains("card.id"), history.skips().describe());
            assertThrows(MappingException.class, () -> detector.decode(TOPIC, null, 0, values.get(40)));
        }
    }

    private static byte[] json(int i, Random rng) {
        return String.format(Locale.ROOT, "{\"card\":{\"id\":\"c-%d\",\"region\":\"%s\"},\"amount\":%.4f,"
                        + "\"flags\":[%s],\"h\":%d,\"ts\":\"2026-03-01 %02d:15:00\"}", i, i % 3 == 0 ? "eu" : "us",
                rng.nextGaussian() * 10, rng.nextBoolean(), i % 24, i % 24)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static GenericRecord avro(Schema s, int i, Random rng) {
        GenericRecord card = new GenericData.Record(s.getField("card").schema());
        card.put("id", "c-" + i);
        card.put("region", i % 3 == 0 ? "eu" : "us");
        GenericRecord r = new GenericData.Record(s);
        r.put("card", card);
        r.put("amount", rng.nextGaussian() * 10);
        r.put("flags", new GenericData.Array<>(s.getField("flags").schema(), List.of(rng.nextBoolean())));
        r.put("h", i % 24);
        r.put("ts", String.format(Locale.ROOT, "2026-03-01T%02d:15:00+01:00", i % 24));
        return r;
    }

    private static MockConsumer<String, byte[]> consumer(List<byte[]> values) {
        TopicPartition tp = new TopicPartition(TOPIC, 0);
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(tp, 0L));
        consumer.updateEndOffsets(Map.of(tp, (long) values.size()));
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < values.size(); i++) {
                byte[] v = values.get(i);
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, i, 1_000L + i, TimestampType.CREATE_TIME, 0,
                        v.length, null, v, new RecordHeaders(), Optional.empty()));
            }
        });
        return consumer;
    }
}
