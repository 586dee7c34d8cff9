package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.Fixtures;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class FeatureVectorSerdeTest {

    private final FeatureVector v = Fixtures.featureVectorFull();

    @Test
    void readsBothFormatsWhicheverItWrites() {
        byte[] avro = NormalcySerdes.featureVector(Format.AVRO).serialize("f", v);
        byte[] json = NormalcySerdes.featureVector(Format.JSON).serialize("f", v);
        assertEquals((byte) 0xC3, avro[0]);
        assertEquals('{', json[0]);
        for (Format f : Format.values()) {
            FeatureVectorSerde serde = NormalcySerdes.featureVector(f);
            assertEquals(v, serde.deserialize("f", avro));
            assertEquals(v, serde.deserialize("f", json));
        }
        assertEquals(Format.AVRO, FeatureVectorSerde.detect(avro));
        assertEquals(Format.JSON, FeatureVectorSerde.detect(json));
    }

    @Test
    void jsonWithByteOrderMarkAndWhitespace() {
        byte[] json = ("\uFEFF \n{\"model\":\"m\",\"entity\":\"e\",\"eventTime\":1,\"features\":{\"a\":1}}")
                .getBytes(StandardCharsets.UTF_8);
        assertEquals(Format.JSON, FeatureVectorSerde.detect(json));
        assertEquals(Map.of("a", 1.0), new FeatureVectorSerde().deserialize("f", json).getFeatures());
    }

    @Test
    void neitherFormat() {
        FeatureVectorSerde serde = new FeatureVectorSerde();
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserialize("f", "hello".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("neither Avro single-object (starts C3 01) nor a JSON object (starts '{')"), e.getMessage());
        assertTrue(e.getMessage().contains("[68 65 6c 6c 6f] (5 bytes)"), e.getMessage());
        e = assertThrows(SerializationException.class, () -> serde.deserialize("f", new byte[0]));
        assertTrue(e.getMessage().contains("empty payload"), e.getMessage());
        assertNull(serde.deserialize("f", null));
    }

    @Test
    void errorsOfTheDetectedFormatPassThrough() {
        FeatureVectorSerde serde = new FeatureVectorSerde();
        SerializationException e = assertThrows(SerializationException.class,
                () -> serde.deserialize("f", "{\"model\":\"m\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("missing required field 'entity'"), e.getMessage());
        e = assertThrows(SerializationException.class, () -> serde.deserialize("f", new byte[] {(byte) 0xC3, 1, 2}));
        assertTrue(e.getMessage().contains("truncated header"), e.getMessage());
    }

    @Test
    void formatIsConfigurableByKafkaProperties() {
        FeatureVectorSerde serde = new FeatureVectorSerde();
        serde.configure(Map.of(FeatureVectorSerde.FORMAT_CONFIG, "json"), false);
        assertEquals(Format.JSON, serde.writeFormat());
        assertEquals('{', serde.serialize("f", v)[0]);
        ConfigException e = assertThrows(ConfigException.class,
                () -> serde.configure(Map.of(FeatureVectorSerde.FORMAT_CONFIG, "xml"), false));
        assertTrue(e.getMessage().contains(FeatureVectorSerde.FORMAT_CONFIG), e.getMessage());
    }
}
