package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.registry.UnknownSchemaException;
import io.normalcy.testkit.StubSchemaRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Confluent-framed FeatureVectors through the shared {@link FeatureVectorSerde} and a {@link SchemaRegistryClient}.
 * UNIT test against {@link StubSchemaRegistry}, a stand-in for the registry's REST API (no real registry can be
 * started on the build machines; see the testkit class).
 */
class ConfluentFeatureVectorTest {
    private static final String TOPIC = "features";
    private static final String SUBJECT = TOPIC + "-value";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StubSchemaRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registry = new StubSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private SchemaRegistryClient client(Duration maxBlock) {
        return new SchemaRegistryClient(RegistrySettings.of("normalcy.test.registry", registry.url())
                .withMaxBlock(maxBlock));
    }

    private static FeatureVector vector() {
        return FeatureVector.newBuilder().setModel("m").setEntity("e-1").setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setContext(Map.of("region", "eu")).setFeatures(Map.of("amount", 12.5, "count", 3.0))
                .setEventId("ev-1").build();
    }

    /** The current FeatureVector schema without the fields that have defaults, as an older producer would have it. */
    static Schema olderWriter() throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree(FeatureVector.getClassSchema().toString());
        ArrayNode fields = (ArrayNode) s.get("fields");
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).has("default")) {
                fields.remove(i);
            }
        }
        return new Schema.Parser().parse(s.toString());
    }

    /** A newer producer's schema: an extra field first (reordered) that Normalcy does not know. */
    static Schema newerWriter() throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree(FeatureVector.getClassSchema().toString());
        ((ArrayNode) s.get("fields")).insertObject(0).put("name", "tenant").put("type", "string").put("default", "");
        return new Schema.Parser().parse(s.toString());
    }

    @Test
    void decodesTheCurrentSchemaAndCachesItById() {
        int id = registry.register(SUBJECT, FeatureVector.getClassSchema().toString());
        FeatureVectorSerde serde = FeatureVectorSerde.withRegistry(client(Duration.ofSeconds(1)));
        byte[] framed = ConfluentAvroDecoder.encode(id, FeatureVector.getClassSchema(), vector());
        assertEquals(vector(), serde.deserialize(TOPIC, framed));
        assertEquals(vector(), serde.deserialize(TOPIC, framed));
        assertEquals(1, registry.idLookups(), "the second record must come from the cache");
    }

    @Test
    void resolvesOlderAndNewerWriterSchemasIntoTheCurrentRecord() throws Exception {
        FeatureVectorSerde serde = FeatureVectorSerde.withRegistry(client(Duration.ofSeconds(1)));
        Schema older = olderWriter();
        GenericRecord old = new GenericData.Record(older);
        old.put("model", "m");
        old.put("entity", "e-1");
        old.put("eventTime", 1_700_000_000_000L);
        old.put("features", Map.of("amount", 12.5));
        int oldId = registry.register(SUBJECT, older.toString());
        FeatureVector fromOld = serde.deserialize(TOPIC, ConfluentAvroDecoder.encode(oldId, older, old));
        assertEquals(Map.of("amount", 12.5), fromOld.getFeatures());
        assertEquals(Map.of(), fromOld.getContext(), "missing field takes its default");
        assertNull(fromOld.getEventId());

        Schema newer = newerWriter();
        GenericRecord neu = new GenericData.Record(newer);
        neu.put("tenant", "acme");
        for (Schema.Field f : FeatureVector.getClassSchema().getFields()) {
            Object v = vector().get(f.pos());
            neu.put(f.name(), v instanceof Instant t ? t.toEpochMilli() : v);
        }
        int newId = registry.register(SUBJECT, newer.toString());
        assertEquals(vector(), serde.deserialize(TOPIC, ConfluentAvroDecoder.encode(newId, newer, neu)),
                "an unknown extra field is skipped");
    }

    @Test
    void aWriterSchemaThatCannotBeResolvedIsABadRecordNamingTheId() throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree(olderWriter().toString());
        ArrayNode fields = (ArrayNode) s.get("fields");
        for (int i = fields.size() - 1; i >= 0; i--) {
            if (fields.get(i).get("name").asText().equals("features")) {
                fields.remove(i);
            }
        }
        Schema noFeatures = new Schema.Parser().parse(s.toString());
        GenericRecord r = new GenericData.Record(noFeatures);
        r.put("model", "m");
        r.put("entity", "e");
        r.put("eventTime", 1L);
        int id = registry.register(SUBJECT, noFeatures.toString());
        SerializationException e = assertThrows(SerializationException.class, () -> FeatureVectorSerde
                .withRegistry(client(Duration.ofSeconds(1))).deserialize(TOPIC, ConfluentAvroDecoder.encode(id, noFeatures, r)));
        assertFalse(e instanceof UnknownSchemaException);
        assertTrue(e.getMessage().contains("writer schema id " + id) && e.getMessage().contains("features"),
                e.getMessage());
    }

    @Test
    void anUnknownIdIsUnknownSchemaAndATruncatedBodyIsCorrupt() {
        FeatureVectorSerde serde = FeatureVectorSerde.withRegistry(client(Duration.ofSeconds(1)));
        UnknownSchemaException e = assertThrows(UnknownSchemaException.class,
                () -> serde.deserialize(TOPIC, ConfluentAvroDecoder.encode(4711, FeatureVector.getClassSchema(), vector())));
        assertEquals(4711, e.schemaId());
        int id = registry.register(SUBJECT, FeatureVector.getClassSchema().toString());
        byte[] framed = ConfluentAvroDecoder.encode(id, FeatureVector.getClassSchema(), vector());
        byte[] cut = java.util.Arrays.copyOf(framed, framed.length - 3);
        SerializationException bad = assertThrows(SerializationException.class, () -> serde.deserialize(TOPIC, cut));
        assertFalse(bad instanceof UnknownSchemaException);
        assertTrue(bad.getMessage().contains("schema id " + id), bad.getMessage());
    }

    @Test
    void aRegistryThatIsDownIsUnavailableNotUnknownAndWorksAgainWhenBack() throws Exception {
        int id = registry.register(SUBJECT, FeatureVector.getClassSchema().toString());
        byte[] framed = ConfluentAvroDecoder.encode(id, FeatureVector.getClassSchema(), vector());
        FeatureVectorSerde serde = FeatureVectorSerde.withRegistry(client(Duration.ofMillis(300)));
        registry.stop();
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> serde.deserialize(TOPIC, framed));
        assertTrue(e.getMessage().contains("schema id " + id), e.getMessage());
        registry.start();
        assertEquals(vector(), serde.deserialize(TOPIC, framed));
    }

    @Test
    void aWrongBasePathOrMissingCredentialsAreOutagesNotUnknownIds() throws Exception {
        int id = registry.register(SUBJECT, FeatureVector.getClassSchema().toString());
        byte[] framed = ConfluentAvroDecoder.encode(id, FeatureVector.getClassSchema(), vector());
        RegistrySettings wrongPath = RegistrySettings.of("k", registry.url() + "/apis/nothing-here")
                .withMaxBlock(Duration.ZERO);
        assertThrows(RegistryUnavailableException.class,
                () -> FeatureVectorSerde.withRegistry(new SchemaRegistryClient(wrongPath)).deserialize(TOPIC, framed));

        registry.requireBasicAuth("normalcy", "pw");
        RegistrySettings noAuth = RegistrySettings.of("k", registry.url()).withMaxBlock(Duration.ZERO);
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> FeatureVectorSerde.withRegistry(new SchemaRegistryClient(noAuth)).deserialize(TOPIC, framed));
        assertTrue(e.getMessage().contains("401"), e.getMessage());
        FeatureVectorSerde authed = FeatureVectorSerde.withRegistry(new SchemaRegistryClient(
                noAuth.withBasicAuth("normalcy", "pw")));
        assertEquals(vector(), authed.deserialize(TOPIC, framed));
    }

    @Test
    void withoutARegistryAFramedRecordSaysWhatIsMissing() {
        SerializationException e = assertThrows(SerializationException.class, () -> new FeatureVectorSerde()
                .deserialize(TOPIC, ConfluentAvroDecoder.encode(7, FeatureVector.getClassSchema(), vector())));
        assertTrue(e.getMessage().contains("schema id 7") && e.getMessage().contains("no schema registry"),
                e.getMessage());
    }
}
