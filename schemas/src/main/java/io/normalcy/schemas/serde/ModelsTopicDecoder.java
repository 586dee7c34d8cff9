package io.normalcy.schemas.serde;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.schemas.ReleasedSchemas;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.avro.message.SchemaStore;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Decodes a value of the models topic, which carries two record types: {@link ModelVersion} and
 * {@link ModelControl}. The single-object header's schema fingerprint says which (a control schema's fingerprint
 * goes to the control serde, everything else to the model serde, whose errors then say what is wrong with the
 * bytes). Readers take raw bytes and decode per record so that one undecodable record is skipped and counted
 * instead of failing the consumer's {@code poll()}. Thread-safe.
 */
public final class ModelsTopicDecoder {
    private final AvroSerde<ModelVersion> versions = AvroSerde.of(ModelVersion.class);
    private final AvroSerde<ModelControl> controls = AvroSerde.of(ModelControl.class);
    private final SchemaStore.Cache controlSchemas = ReleasedSchemas.store(ModelControl.class);

    /** A decoded models-topic value: exactly one of the two is set. */
    public record Decoded(ModelVersion version, ModelControl control) {
        public boolean isVersion() {
            return version != null;
        }
    }

    /**
     * @return the decoded record, null for a tombstone
     * @throws SerializationException when the bytes are neither (message names the problem and the first bytes)
     */
    public Decoded decode(String topic, byte[] value) {
        if (value == null) {
            return null;
        }
        if (isControl(value)) {
            return new Decoded(null, controls.deserialize(topic, value));
        }
        return new Decoded(versions.deserialize(topic, value), null);
    }

    public byte[] encode(String topic, ModelControl control) {
        return controls.serialize(topic, control);
    }

    public byte[] encode(String topic, ModelVersion version) {
        return versions.serialize(topic, version);
    }

    private boolean isControl(byte[] value) {
        if (value.length < AvroSerde.HEADER_LENGTH || value[0] != AvroSerde.MAGIC_0 || value[1] != AvroSerde.MAGIC_1) {
            return false;
        }
        long fp = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return controlSchemas.findByFingerprint(fp) != null;
    }
}
