package io.normalcy.schemas.mapping;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that does not fit its topic's {@link RecordMapping}: a mapped path is missing, null or of the wrong type,
 * or the bytes are in an encoding a mapping cannot read. A {@link SerializationException}, so every reader that
 * already dead-letters (detector) or skips (trainer) undecodable records treats it the same way; {@link #path()} is the
 * mapped path that failed, also quoted in the message, so the dead letter says where to look.
 */
public final class MappingException extends SerializationException {
    private static final long serialVersionUID = 1L;

    private final String path;

    public MappingException(String path, String message) {
        super(message);
        this.path = path;
    }

    /** The mapped path that failed (e.g. {@code card.id}, {@code @key}), or null when the whole value failed. */
    public String path() {
        return path;
    }
}
