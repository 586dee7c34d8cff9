package io.normalcy.schemas.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.schemas.registry.UnknownSchemaException;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.StubSchemaRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** {@link RecordMapper} on JSON and schema-registry Avro records: nested paths, arrays, booleans, unions, errors. */
class RecordMapperTest {
    private static final String TOPIC = "card-events";

    static Map<String, Object> cardsConfig() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", "cards");
        m.put("entity", "card.id");
        m.put("event-time", "ts");
        m.put("event-id", "id");
        m.put("context", Map.of("category", "card.category"));
        m.put("context-numeric", Map.of("risk", "card.risk"));
        m.put("features", new LinkedHashMap<>(Map.of("amount", "amount", "first", "items[0].price",
                "online", "online")));
        m.put("attributes", Map.of("merchant", "merchant.name", "note", "note"));
        return m;
    }

    private static RecordMapper mapper(Map<String, Object> config, SchemaRegistryClient registry) {
        return new RecordMapper(RecordMappings.parse("m", Map.of(TOPIC, config)).get(TOPIC), registry);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final String RECORD = "{\"id\":\"ev-7\",\"card\":{\"id\":\"c-1\",\"category\":\"grocery\",\"risk\":2},"
            + "\"amount\":12.5,\"items\":[{\"price\":3},{\"price\":9}],\"online\":true,\"ts\":\"2026-03-01T10:00:00Z\","
            + "\"merchant\":{\"name\":\"ACME\"}}";

    @Test
    void jsonNestedPathsArraysAndBooleans() {
        FeatureVector v = mapper(cardsConfig(), null).map(TOPIC, "k", 1L, json(RECORD));
        assertEquals("cards", v.getModel());
        assertEquals("c-1", v.getEntity());
        assertEquals(Instant.parse("2026-03-01T10:00:00Z"), v.getEventTime());
        assertEquals(Map.of("amount", 12.5, "first", 3.0, "online", 1.0), v.getFeatures());
        assertEquals(Map.of("category", "grocery"), v.getContext());
        assertEquals(Map.of("risk", 2.0), v.getContextNumeric());
        assertEquals(Map.of("merchant", "ACME"), v.getAttributes(), "a missing attribute is left out");
        assertEquals("ev-7", v.getEventId());
    }

    @Test
    void keyTimestampAndNumericStrings() {
        Map<String, Object> c = cardsConfig();
        c.remove("entity");
        c.remove("event-time");
        c.remove("event-id");
        FeatureVector v = mapper(c, null).map(TOPIC, "c-9", 1_700_000_000_123L,
                json(RECORD.replace("12.5", "\"12.50\"").replace("true", "false")));
        assertEquals("c-9", v.getEntity());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_123L), v.getEventTime());
        assertEquals(12.5, v.getFeatures().get("amount"));
        assertEquals(0.0, v.getFeatures().get("online"));
        assertNull(v.getEventId());
    }

    @Test
    void timeFormats() {
        Map<String, Object> c = cardsConfig();
        c.put("time-format", "epoch-seconds");
        assertEquals(Instant.ofEpochSecond(1_700_000_000L), mapper(c, null).map(TOPIC, null, 0,
                json(RECORD.replace("\"2026-03-01T10:00:00Z\"", "1700000000"))).getEventTime());
        c.put("time-format", "dd/MM/yyyy HH:mm");
        c.put("time-zone", "Europe/Paris");
        assertEquals(Instant.parse("2026-03-01T09:00:00Z"), mapper(c, null).map(TOPIC, null, 0,
                json(RECORD.replace("2026-03-01T10:00:00Z", "01/03/2026 10:00"))).getEventTime());
        c.remove("time-format");
        assertEquals(Instant.parse("2026-03-01T09:00:00Z"), mapper(c, null).map(TOPIC, null, 0,
                json(RECORD.replace("2026-03-01T10:00:00Z", "2026-03-01 10:00:00"))).getEventTime(),
                "auto: TimeParser in the mapping's zone");
    }

    private static String failingPath(String record, Map<String, Object> config) {
        MappingException e = assertThrows(MappingException.class,
                () -> mapper(config, null).map(TOPIC, null, 0, json(record)));
        assertTrue(e.getMessage().contains("'" + e.path() + "'") || e.path().startsWith("@"), e.getMessage());
        return e.path();
    }

    @Test
    void aRecordThatDoesNotFitNamesThePath() {
        Map<String, Object> c = cardsConfig();
        assertEquals("card.id", failingPath(RECORD.replace("\"id\":\"c-1\",", ""), c));
        assertEquals("items[0].price", failingPath(RECORD.replace("[{\"price\":3},{\"price\":9}]", "[]"), c));
        assertEquals("amount", failingPath(RECORD.replace("12.5", "\"lots\""), c));
        assertEquals("amount", failingPath(RECORD.replace("12.5", "{\"v\":1}"), c));
        assertEquals("amount", failingPath(RECORD.replace("12.5", "null"), c));
        assertEquals("card.category", failingPath(RECORD.replace("\"grocery\"", "[1]"), c));
        assertEquals("ts", failingPath(RECORD.replace("2026-03-01T10:00:00Z", "yesterday"), c));
        c.remove("entity");
        assertEquals("@key", failingPath(RECORD, c));
        MappingException bad = assertThrows(MappingException.class,
                () -> mapper(cardsConfig(), null).map(TOPIC, null, 0, json("{\"a\":")));
        assertTrue(bad.getMessage().contains("invalid JSON"), bad.getMessage());
        MappingException avro = assertThrows(MappingException.class,
                () -> mapper(cardsConfig(), null).map(TOPIC, null, 0, new byte[] {(byte) 0xC3, 1, 0}));
        assertTrue(avro.getMessage().contains("single-object"), avro.getMessage());
        MappingException framed = assertThrows(MappingException.class,
                () -> mapper(cardsConfig(), null).map(TOPIC, null, 0, new byte[] {0, 0, 0, 0, 1, 2}));
        assertTrue(framed.getMessage().contains("no schema registry"), framed.getMessage());
    }

    static final String CARD_EVENT = """
            {"type":"record","name":"CardEvent","namespace":"com.example","fields":[
              {"name":"id","type":"string"},
              {"name":"card","type":["null",{"type":"record","name":"Card","fields":[
                 {"name":"id","type":"string"},
                 {"name":"category","type":{"type":"enum","name":"Category","symbols":["GROCERY","TRAVEL"]}},
                 {"name":"risk","type":"int"}]}],"default":null},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
              {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
                 {"name":"price","type":"double"}]}}},
              {"name":"online","type":"boolean"},
              {"name":"ts","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"merchant","type":{"type":"map","values":"string"}}]}""";

    static GenericRecord cardEvent(Schema s, String cardId, boolean withCard) {
        Schema cardSchema = s.getField("card").schema().getTypes().get(1);
        GenericRecord card = new GenericData.Record(cardSchema);
        card.put("id", cardId);
        card.put("category", new GenericData.EnumSymbol(cardSchema.getField("category").schema(), "GROCERY"));
        card.put("risk", 2);
        Schema item = s.getField("items").schema().getElementType();
        GenericRecord i0 = new GenericData.Record(item);
        i0.put("price", 3.0);
        GenericRecord r = new GenericData.Record(s);
        r.put("id", "ev-7");
        r.put("card", withCard ? card : null);
        Schema dec = s.getField("amount").schema();
        r.put("amount", new Conversions.DecimalConversion().toBytes(new BigDecimal("12.50"), dec,
                LogicalTypes.decimal(9, 2)));
        r.put("items", new GenericData.Array<>(s.getField("items").schema(), List.of(i0)));
        r.put("online", true);
        r.put("ts", Instant.parse("2026-03-01T10:00:00Z").toEpochMilli());
        r.put("merchant", Map.of("name", "ACME"));
        return r;
    }

    @Test
    void registryAvroOfAForeignSchemaWithUnionsEnumsDecimalsAndMaps() throws Exception {
        try (StubSchemaRegistry stub = new StubSchemaRegistry()) {
            SchemaRegistryClient client = new SchemaRegistryClient(RegistrySettings.of("r", stub.url()));
            Schema s = new Schema.Parser().parse(CARD_EVENT);
            int id = stub.register(TOPIC + "-value", CARD_EVENT);
            RecordMapper mapper = mapper(cardsConfig(), client);
            FeatureVector v = mapper.map(TOPIC, null, 0, ConfluentAvroDecoder.encode(id, s, cardEvent(s, "c-1", true)));
            FeatureVector fromJson = mapper.map(TOPIC, null, 0,
                    json(RECORD.replace("grocery", "GROCERY")));
            assertEquals(fromJson, v, "the same record as JSON and as Avro maps to the same vector");
            MappingException e = assertThrows(MappingException.class, () -> mapper.map(TOPIC, null, 0,
                    ConfluentAvroDecoder.encode(id, s, cardEvent(s, "c-1", false))));
            assertEquals("card.id", e.path(), "a null union branch is a missing path");
            byte[] unknown = ConfluentAvroDecoder.encode(id + 100, s, cardEvent(s, "c-1", true));
            assertThrows(UnknownSchemaException.class, () -> mapper.map(TOPIC, null, 0, unknown));
        }
    }

    /** Issue 12 item 4: a feature that may be missing (policy impute or skip) is left out; any other still fails. */
    @Test
    void optionalFeatureAbsentOrNullIsLeftOutOthersStillFail() {
        RecordMapper m = mapper(cardsConfig(), null);
        OptionalFeatures amountOfCards = model -> model.equals("cards") ? java.util.Set.of("amount") : java.util.Set.of();
        FeatureVector absent = m.map(TOPIC, "k", 1L, json(RECORD.replace("\"amount\":12.5,", "")), amountOfCards);
        assertEquals(Map.of("first", 3.0, "online", 1.0), absent.getFeatures());
        FeatureVector nulled = m.map(TOPIC, "k", 1L, json(RECORD.replace("12.5", "null")), amountOfCards);
        assertEquals(Map.of("first", 3.0, "online", 1.0), nulled.getFeatures());
        assertEquals(12.5, m.map(TOPIC, "k", 1L, json(RECORD), amountOfCards).getFeatures().get("amount"));
        MappingException e = assertThrows(MappingException.class,
                () -> m.map(TOPIC, "k", 1L, json(RECORD.replace("12.5", "null"))));
        assertEquals("amount", e.path(), "without the policy the absent path stays a mapping error");
        MappingException wrongType = assertThrows(MappingException.class,
                () -> m.map(TOPIC, "k", 1L, json(RECORD.replace("12.5", "\"twelve\"")), amountOfCards));
        assertEquals("amount", wrongType.path(), "a present value of the wrong type is not 'missing'");
        assertThrows(MappingException.class, () -> m.map(TOPIC, "k", 1L,
                json(RECORD.replace("\"online\":true,", "")), amountOfCards), "other features are still required");
    }
}
