package io.normalcy.schemas.registry;

import org.apache.kafka.common.errors.SerializationException;

/**
 * The registry answered that no schema has this id ({@code 404} with {@code error_code 40403}). A property of the
 * record, not of the moment: retrying cannot help, so the record is dead-lettered (detector: reason
 * {@code UNKNOWN_SCHEMA}) or skipped (trainer). A SerializationException so that every existing "bad bytes" path
 * already handles it.
 */
public class UnknownSchemaException extends SerializationException {
    private final int schemaId;

    public UnknownSchemaException(int schemaId, String message) {
        super(message);
        this.schemaId = schemaId;
    }

    /** The id the record's header names. */
    public int schemaId() {
        return schemaId;
    }
}
