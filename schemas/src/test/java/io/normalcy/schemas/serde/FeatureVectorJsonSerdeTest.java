package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FeatureVectorJsonSerdeTest {

    private final FeatureVectorJsonSerde serde = new FeatureVectorJsonSerde();

    private FeatureVector read(String json) {
        return serde.deserialize("features", json.getBytes(StandardCharsets.UTF_8));
    }

    private String failure(String json) {
        SerializationException e = assertThrows(SerializationException.class, () -> read(json));
        assertTrue(e.getMessage().startsWith("Cannot deserialize FeatureVector (JSON) from topic 'features': "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void readmeExample() {
        FeatureVector v = read("{\"model\":\"payments\",\"entity\":\"card-1\",\"eventTime\":\"2026-11-24T10:00:00Z\","
                + "\"context\":{\"region\":\"eu\"},\"features\":{\"amount\":12.5}}");
        assertEquals("payments", v.getModel());
        assertEquals("card-1", v.getEntity());
        assertEquals(Instant.parse("2026-11-24T10:00:00Z"), v.getEventTime());
        assertEquals(Map.of("region", "eu"), v.getContext());
        assertEquals(Map.of("amount", 12.5), v.getFeatures());
        assertEquals(Map.of(), v.getContextNumeric());
        assertEquals(Map.of(), v.getAttributes());
        assertNull(v.getEventId());
    }

    @Test
    void epochMillisOffsetsAndScalarContext() {
        FeatureVector v = read("{\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1700000000000,\"features\":{\"n\":3},"
                + "\"context\":{\"tier\":3,\"vip\":true},\"contextNumeric\":{\"age\":-1.5e2},\"eventId\":\"x\"}");
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), v.getEventTime());
        assertEquals(Map.of("n", 3.0), v.getFeatures());
        assertEquals(Map.of("tier", "3", "vip", "true"), v.getContext());
        assertEquals(Map.of("age", -150.0), v.getContextNumeric());
        assertEquals("x", v.getEventId());
        assertEquals(Instant.parse("2026-11-24T09:00:00.123Z"),
                read("{\"model\":\"m\",\"entity\":\"e\",\"eventTime\":\"2026-11-24T10:00:00.123456+01:00\",\"features\":{}}")
                        .getEventTime());
    }

    @Test
    void eventTimeUsesTheSharedParserEpochSecondsFractionsAndSpaceSeparatedOffsets() {
        Instant july1 = Instant.parse("2014-07-01T00:00:00Z");
        assertEquals(july1, eventTime("1404172800"), "a number below 1e11 is epoch seconds");
        assertEquals(july1.plusMillis(250), eventTime("1404172800.25"), "fractional epoch seconds");
        assertEquals(july1.plusMillis(123), eventTime("1404172800.123"), "no binary rounding down to 122 ms");
        assertEquals(Instant.ofEpochMilli(1500), eventTime("1.5"));
        assertEquals(july1, eventTime("1404172800000"));
        assertEquals(july1, eventTime("\"2014-07-01 02:00:00+02:00\""));
        assertEquals(july1, eventTime("\"1404172800\""));
    }

    private Instant eventTime(String json) {
        return read("{\"model\":\"m\",\"entity\":\"e\",\"eventTime\":" + json + ",\"features\":{}}").getEventTime();
    }

    @Test
    void roundTripsFullAndMinimal() {
        for (FeatureVector v : new FeatureVector[] {Fixtures.featureVectorFull(), Fixtures.featureVectorMinimal()}) {
            byte[] json = serde.serialize("features", v);
            assertEquals(v, serde.deserialize("features", json));
        }
        assertNull(serde.serialize("features", null));
        assertNull(serde.deserialize("features", null));
    }

    @Test
    void writesIsoEventTime() {
        String json = new String(serde.serialize("f", Fixtures.featureVectorMinimal()), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"eventTime\":\"2026-11-24T10:00:00.123Z\""), json);
    }

    @Test
    void nonFiniteFeaturesCannotBeWritten() {
        FeatureVector v = Fixtures.featureVectorMinimal();
        v.setFeatures(Map.of("amount", Double.NaN));
        SerializationException e = assertThrows(SerializationException.class, () -> serde.serialize("f", v));
        assertTrue(e.getMessage().contains("features.amount = NaN"), e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "invalid JSON | {\"model\":\"m\", | invalid JSON at line 1",
        "not an object | [1,2] | expected a JSON object, got array",
        "empty document | `   ` | empty JSON document",
        "missing model | {\"entity\":\"e\",\"eventTime\":1,\"features\":{}} | missing required field 'model'",
        "blank model | {\"model\":\" \",\"entity\":\"e\",\"eventTime\":1,\"features\":{}} | field 'model' must be a non-blank string",
        "numeric entity | {\"model\":\"m\",\"entity\":7,\"eventTime\":1,\"features\":{}} | field 'entity' must be a non-blank string, got number 7",
        "missing features | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1} | missing required field 'features'",
        "missing eventTime | {\"model\":\"m\",\"entity\":\"e\",\"features\":{}} | missing required field 'eventTime'",
        "bad eventTime | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":\"yesterday\",\"features\":{}} | field 'eventTime' is not an ISO-8601 date-time",
        "local eventTime | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":\"2026-11-24T10:00:00\",\"features\":{}} | field 'eventTime' is not an ISO-8601 date-time",
        "local eventTime names the missing offset | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":\"2026-11-24 10:00:00\",\"features\":{}} | field 'eventTime' is not an ISO-8601 date-time with offset (add Z or +hh:mm",
        "blank eventTime | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":\" \",\"features\":{}} | field 'eventTime' is empty (accepted: ISO-8601 with offset",
        "boolean eventTime | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":true,\"features\":{}} | field 'eventTime' must be a number (epoch seconds or milliseconds) or an ISO-8601 string, got boolean true",
        "infinite eventTime | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1e999,\"features\":{}} | field 'eventTime' is not a finite number",
        "huge eventTime | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1e300,\"features\":{}} | field 'eventTime' is out of range as epoch milliseconds",
        "NaN as string | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{\"amount\":\"NaN\"}} | features.amount has an invalid value: string \"NaN\" (expected a finite JSON number)",
        "NaN literal | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{\"amount\":NaN}} | invalid JSON at line 1",
        "number as string | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{\"amount\":\"12\"}} | features.amount has an invalid value",
        "null feature | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{\"amount\":null}} | features.amount has an invalid value: null",
        "overflowing feature | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{\"amount\":1e999}} | features.amount has an invalid value",
        "features not an object | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":[1]} | field 'features' must be a JSON object, got array",
        "nested garbage in features | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{\"a\":{\"b\":[1,{}]}}} | features.a has an invalid value: object",
        "nested garbage in context | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{},\"context\":{\"r\":[\"eu\"]}} | context.r has an invalid value: array [\"eu\"] (expected a string, number or boolean)",
        "string contextNumeric | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{},\"contextNumeric\":{\"age\":\"old\"}} | contextNumeric.age has an invalid value",
        "unknown top-level field | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{},\"feature\":{}} | unknown field 'feature'",
        "duplicate key | {\"model\":\"m\",\"model\":\"n\",\"entity\":\"e\",\"eventTime\":1,\"features\":{}} | Duplicate field 'model'",
        "trailing garbage | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{}} x | invalid JSON",
        "numeric eventId | {\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{},\"eventId\":5} | field 'eventId' must be a string or null"
    })
    void malformedInputNamesTheProblem(String name, String json, String expected) {
        String message = failure(json);
        assertTrue(message.contains(expected), () -> name + ": expected '" + expected + "' in: " + message);
        assertTrue(message.contains("first bytes ["), message);
    }

    @Test
    void emptyPayload() {
        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("features", new byte[0]));
        assertTrue(e.getMessage().contains("empty payload (0 bytes)"), e.getMessage());
    }

    @Test
    void invalidUtf8() {
        byte[] data = {'{', '"', 'm', (byte) 0xFF, '"', ':', '1', '}'};
        SerializationException e = assertThrows(SerializationException.class, () -> serde.deserialize("features", data));
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
    }
}
