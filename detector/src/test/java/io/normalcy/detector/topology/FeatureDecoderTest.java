package io.normalcy.detector.topology;

import static io.normalcy.detector.topology.TopologyHarness.START;
import static io.normalcy.detector.topology.TopologyHarness.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.config.DetectorSettings;
import io.normalcy.detector.config.InputFormat;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/**
 * The decoder keeps the previous record's topic with its format and mapping (a task reads one topic string per
 * input topic): records of other topics, in any order and with equal topic strings that are other objects, are
 * still decoded in their own topic's format.
 */
class FeatureDecoderTest {
    private final FeatureVector fv = vector("payments", "e1", START, "id-1", Map.of("a", 1.0, "b", 2.0));
    private final byte[] avro = AvroSerde.of(FeatureVector.class).serialize("t", fv);
    private final byte[] json = new FeatureVectorJsonSerde().serialize("t", fv);

    @Test
    void eachRecordIsDecodedInTheFormatOfItsOwnTopicWhateverCameBefore() {
        FeatureDecoder decoder = new FeatureDecoder(DetectorSettings.defaults().withInputFormats(InputFormat.AUTO,
                Map.of("avro.only", InputFormat.AVRO, "json.only", InputFormat.JSON)), null);
        for (int round = 0; round < 3; round++) {
            assertEquals(fv, decoder.decode(new String("json.only"), null, 0, json));
            assertEquals(fv, decoder.decode("avro.only", null, 0, avro));
            SerializationException notAvro = assertThrows(SerializationException.class,
                    () -> decoder.decode(new String("avro.only"), null, 0, json), "JSON on the Avro-only topic");
            assertTrue(notAvro.getMessage().contains("avro.only"), notAvro.getMessage());
            assertThrows(SerializationException.class, () -> decoder.decode("json.only", null, 0, avro),
                    "Avro on the JSON-only topic");
            assertEquals(fv, decoder.decode("auto", null, 0, json));
            assertEquals(fv, decoder.decode("auto", null, 0, avro));
        }
    }
}
