package io.normalcy.trainer.job;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.time.Duration;

/**
 * The JSON of the service ↔ child-JVM protocol ({@link JobSpec}, {@link JobResult}, epochs). Records, enums and
 * lists map as they are, so the child gets the typed, already validated {@code ModelDefinition} back without
 * parsing strings; the one addition is {@link Duration} as its ISO-8601 text ({@code PT24H}).
 */
public final class JobJson {
    /** Shared; Jackson's mapper is thread-safe once configured. */
    public static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new SimpleModule("normalcy-job")
            .addSerializer(Duration.class, new JsonSerializer<>() {
                @Override
                public void serialize(Duration d, JsonGenerator g, SerializerProvider p) throws IOException {
                    g.writeString(d.toString());
                }
            })
            .addDeserializer(Duration.class, new JsonDeserializer<>() {
                @Override
                public Duration deserialize(JsonParser p, DeserializationContext c) throws IOException {
                    return Duration.parse(p.getValueAsString());
                }
            }));

    private JobJson() {
    }
}
