package io.normalcy.schemas.serde;

import java.util.HexFormat;
import org.apache.kafka.common.errors.SerializationException;

/** Uniform, greppable messages for serde failures: record type, topic, what was wrong, first bytes. */
final class SerdeErrors {

    /** How many leading bytes an error message shows. */
    static final int HEX_PREFIX = 16;

    private SerdeErrors() {
    }

    static String hexPrefix(byte[] data) {
        if (data == null) {
            return "null";
        }
        int n = Math.min(HEX_PREFIX, data.length);
        String hex = HexFormat.ofDelimiter(" ").formatHex(data, 0, n);
        return "[" + hex + (data.length > n ? " ..." : "") + "] (" + data.length + " bytes)";
    }

    static SerializationException deserialization(String type, String topic, String problem, byte[] data, Throwable cause) {
        return new SerializationException("Cannot deserialize " + type + " from topic '" + topic + "': " + problem
                + "; first bytes " + hexPrefix(data), cause);
    }

    static SerializationException serialization(String type, String topic, String problem, Throwable cause) {
        return new SerializationException("Cannot serialize " + type + " for topic '" + topic + "': " + problem, cause);
    }
}
