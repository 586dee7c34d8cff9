package io.normalcy.detector.it;

import static io.normalcy.detector.it.DetectorIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.StubSchemaRegistry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Raw records of the user's own topics, scored through {@code normalcy.detector.mappings} by the running detector on
 * the real (in-JVM KRaft) broker: a JSON topic whose records know nothing of Normalcy is scored end to end (scores
 * for every record, an alert carrying the mapped attributes for the outlier), a schema-registry Avro topic of a
 * foreign schema is scored through its own mapping, and a record missing a mapped path is dead-lettered as
 * {@code MAPPING} with the path in its message. The registry is {@link StubSchemaRegistry} (see SchemaRegistryIT).
 */
@ExtendWith(KafkaBrokerExtension.class)
class MappedTopicIT {
    private static final String MODEL = "cards";
    private static final String POS = """
            {"type":"record","name":"PosEvent","namespace":"com.example.pos","fields":[
              {"name":"terminal","type":"string"},
              {"name":"reading","type":["null",{"type":"record","name":"Reading","fields":[
                {"name":"a","type":"double"},{"name":"b","type":"double"},{"name":"c","type":"float"}]}]},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}}]}""";

    @Test
    void rawJsonAndForeignAvroTopicsAreScoredThroughTheirMappings(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("map");
        String cardsTopic = "map.card-events";
        String posTopic = "map.pos.v1";
        try (StubSchemaRegistry registry = new StubSchemaRegistry()) {
            Map<String, Object> props = ItSupport.appProperties(bootstrap, "map", "detector-map-it");
            props.put("normalcy.detector.cool-down", "0s");
            props.put("normalcy.detector.registry.url", registry.url());
            String m = "normalcy.detector.mappings.cards.";
            props.put(m + "topic", cardsTopic);
            props.put(m + "model", MODEL);
            props.put(m + "entity", "card.id");
            props.put(m + "event-time", "ts");
            props.put(m + "context.region", "card.category");
            props.put(m + "features.a", "amount");
            props.put(m + "features.b", "geo.lat");
            props.put(m + "features.c", "items[0].qty");
            props.put(m + "attributes.merchant", "merchant.name");
            String p = "normalcy.detector.mappings.pos.";
            props.put(p + "topic", posTopic);
            props.put(p + "model", "pos");
            props.put(p + "entity", "terminal");
            props.put(p + "event-time", "at");
            props.put(p + "features.a", "reading.a");
            props.put(p + "features.b", "reading.b");
            props.put(p + "features.c", "reading.c");
            Schema pos = new Schema.Parser().parse(POS);
            int posId = registry.register(posTopic + "-value", POS);
            Random rng = new Random(3);
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
                 KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
                ModelRegistry models = server.getApplicationContext().getBean(ModelRegistry.class);
                ItSupport.publishModel(producer, topics.models(),
                        TestModels.standardNormal(MODEL, 1, 1.0, List.of("grocery", "travel")));
                ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal("pos", 1, 1.0));
                waitFor(() -> models.get(MODEL) != null && models.get("pos") != null, Duration.ofSeconds(60),
                        "models loaded");

                Set<String> expected = new HashSet<>();
                for (int i = 0; i < 60; i++) {
                    double a = i == 30 ? 8.5 : rng.nextGaussian();
                    producer.send(new ProducerRecord<>(cardsTopic, null, cardJson("c-" + i, a, rng)));
                    expected.add("c-" + i);
                }
                byte[] broken = cardJson("c-x", 0.1, rng);
                String withoutId = new String(broken, StandardCharsets.UTF_8).replace("\"id\":\"c-x\",", "");
                producer.send(new ProducerRecord<>(cardsTopic, "c-x", withoutId.getBytes(StandardCharsets.UTF_8)));
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(posTopic, null, ConfluentAvroDecoder.encode(posId, pos,
                            posEvent(pos, "t-" + i, rng))));
                    expected.add("t-" + i);
                }
                producer.flush();

                AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
                Set<String> scored = new HashSet<>();
                try (KafkaConsumer<byte[], byte[]> reader = ItSupport.committedReader(bootstrap, topics.scores())) {
                    List<ConsumerRecord<byte[], byte[]>> scores = ItSupport.readUntil(reader, new ArrayList<>(),
                            s -> s.size() >= expected.size(), Duration.ofSeconds(120));
                    for (ConsumerRecord<byte[], byte[]> r : scores) {
                        scored.add(scoreSerde.deserialize(topics.scores(), r.value()).getEntity());
                    }
                }
                assertEquals(expected, scored, "every mapped record scored, entities from the mapped paths");

                try (KafkaConsumer<byte[], byte[]> reader = ItSupport.committedReader(bootstrap, topics.alerts())) {
                    List<ConsumerRecord<byte[], byte[]>> alerts = ItSupport.readUntil(reader, new ArrayList<>(),
                            s -> !s.isEmpty(), Duration.ofSeconds(60));
                    Alert outlier = alerts.stream().map(r -> AvroSerde.of(Alert.class).deserialize(topics.alerts(),
                            r.value())).filter(x -> x.getEntity().equals("c-30")).findFirst().orElseThrow(
                                    () -> new AssertionError("no alert for the outlier c-30 in " + alerts.size()));
                    assertEquals(Map.of("merchant", "ACME"), outlier.getAttributes());
                    assertEquals(Map.of("region", "grocery"), outlier.getContext());
                    assertEquals(8.5, outlier.getFeatures().get("a"));
                    assertEquals(cardsTopic, outlier.getSourceTopic());
                }

                try (KafkaConsumer<byte[], byte[]> reader = ItSupport.committedReader(bootstrap, topics.dlq())) {
                    List<ConsumerRecord<byte[], byte[]>> dlq = ItSupport.readUntil(reader, new ArrayList<>(),
                            d -> !d.isEmpty(), Duration.ofSeconds(60));
                    dlq.addAll(ItSupport.drain(reader, Duration.ofSeconds(1)));
                    assertEquals(1, dlq.size(), "only the record without card.id is dead-lettered");
                    DeadLetter d = AvroSerde.of(DeadLetter.class).deserialize(topics.dlq(), dlq.get(0).value());
                    assertEquals(DeadLetterReason.MAPPING, d.getReason());
                    assertTrue(d.getMessage().contains("path 'card.id' is missing"), d.getMessage());
                    assertEquals(cardsTopic, d.getSourceTopic());
                    assertEquals(withoutId, StandardCharsets.UTF_8.decode(d.getValue()).toString(),
                            "the original bytes are kept for replay");
                }
            }
        }
    }

    /** A card-payment event as some other system writes it; {@code a} is the amount. */
    static byte[] cardJson(String card, double a, Random rng) {
        String json = String.format(java.util.Locale.ROOT, "{\"card\":{\"id\":\"%s\",\"category\":\"grocery\"},"
                        + "\"amount\":%.6f,\"geo\":{\"lat\":%.6f},\"items\":[{\"qty\":%.6f}],"
                        + "\"ts\":\"2026-03-02T00:00:%02d.000Z\",\"merchant\":{\"name\":\"ACME\"}}",
                card, a, rng.nextGaussian(), rng.nextGaussian(), Math.abs(card.hashCode()) % 60);
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static GenericRecord posEvent(Schema s, String terminal, Random rng) {
        Schema reading = s.getField("reading").schema().getTypes().get(1);
        GenericRecord r = new GenericData.Record(reading);
        r.put("a", rng.nextGaussian());
        r.put("b", rng.nextGaussian());
        r.put("c", (float) rng.nextGaussian());
        GenericRecord e = new GenericData.Record(s);
        e.put("terminal", terminal);
        e.put("reading", r);
        e.put("at", 1_772_409_600_000L);
        return e;
    }
}
