package io.normalcy.schemas.serde;

import io.normalcy.avro.FeatureVector;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Strict JSON serde for {@link FeatureVector}, for producers that cannot use Avro:
 * <pre>{@code
 * {"model":"payments","entity":"card-1","eventTime":"2026-11-24T10:00:00Z",
 *  "context":{"region":"eu"},"contextNumeric":{"age":3.5},"features":{"amount":12.5},
 *  "attributes":{"merchant":"m-9"},"eventId":"tx-42"}
 * }</pre>
 * <ul>
 *   <li>{@code model}, {@code entity}: required non-blank strings.</li>
 *   <li>{@code eventTime}: <b>required</b>, read by {@link io.normalcy.schemas.TimeParser#OFFSET_REQUIRED}:
 *       a number (epoch seconds below 1e11, else epoch milliseconds; fractions allowed) or an ISO-8601 string
 *       with offset ({@code Z} or {@code +01:00}; a space may replace the {@code T}), truncated to
 *       milliseconds. A time without offset is refused: the serde has no zone to read it in. There is no
 *       default: a deserializer cannot see the Kafka record timestamp, and "now" would make replays
 *       non-deterministic.</li>
 *   <li>{@code features} (required), {@code contextNumeric}: objects of finite JSON numbers; strings
 *       such as {@code "NaN"} or {@code "12"} are refused.</li>
 *   <li>{@code context}, {@code attributes}: objects of strings; numbers and booleans are accepted and
 *       kept as their JSON text ({@code "tier":3} → {@code "3"}).</li>
 *   <li>{@code eventId}: optional string.</li>
 *   <li>Unknown top-level fields, duplicate keys, trailing content and nested values where scalars are
 *       expected are refused.</li>
 * </ul>
 * Every refusal is a {@link org.apache.kafka.common.errors.SerializationException} naming the field.
 * Writing produces the same shape with {@code eventTime} as an ISO-8601 UTC string; non-finite
 * values cannot be written.
 */
public class FeatureVectorJsonSerde implements Serde<FeatureVector>, Serializer<FeatureVector>, Deserializer<FeatureVector> {

    private static final String TYPE = "FeatureVector (JSON)";

    @Override
    public byte[] serialize(String topic, FeatureVector data) {
        if (data == null) {
            return null;
        }
        try {
            return FeatureVectorJson.write(data);
        } catch (RuntimeException e) {
            throw SerdeErrors.serialization(TYPE, topic, e.getMessage(), e);
        }
    }

    @Override
    public FeatureVector deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length == 0) {
            throw SerdeErrors.deserialization(TYPE, topic, "empty payload (0 bytes)", data, null);
        }
        try {
            return FeatureVectorJson.read(data);
        } catch (RuntimeException e) {
            throw SerdeErrors.deserialization(TYPE, topic, e.getMessage(), data, e);
        }
    }

    @Override
    public Serializer<FeatureVector> serializer() {
        return this;
    }

    @Override
    public Deserializer<FeatureVector> deserializer() {
        return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // no options
    }

    @Override
    public void close() {
        // stateless
    }
}
