package io.normalcy.trainer.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Context;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.convert.format.MapFormat;
import io.micronaut.core.naming.conventions.StringConvention;
import io.normalcy.schemas.mapping.RecordMapping;
import io.normalcy.schemas.mapping.RecordMappings;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code normalcy.trainer.mappings.<name>.*}: the trainer's copy of the detector's {@code normalcy.detector.mappings}
 * (same keys, same parser, {@link RecordMappings}), so history is read with the mapping the detector scores with.
 * Kept apart from {@link TrainerConfig} on purpose: it is a nested section, parsed and validated on its own. Built at
 * start-up ({@link Context}): a bad mapping stops the trainer naming the key. A model is trained from one topic, so
 * two mappings naming the same constant model are refused.
 *
 * @param mappings mapping name → settings, as bound from the configuration (keys as written: feature names such as
 *                 {@code itemCount} must not be hyphenated by the binder)
 */
@Context
@ConfigurationProperties("normalcy.trainer")
public record TrainerMappings(
        @Nullable @MapFormat(transformation = MapFormat.MapTransformation.NESTED, keyFormat = StringConvention.RAW)
        Map<String, Object> mappings) {
    public static final String PREFIX = "normalcy.trainer.mappings";

    public TrainerMappings {
        byTopic(mappings);
    }

    /** Topic → mapping. */
    public Map<String, RecordMapping> byTopic() {
        return byTopic(mappings);
    }

    private static Map<String, RecordMapping> byTopic(Map<String, Object> raw) {
        Map<String, RecordMapping> parsed = RecordMappings.parse(PREFIX, raw);
        Map<String, RecordMapping> byModel = new HashMap<>();
        for (RecordMapping m : parsed.values()) {
            RecordMapping other = m.model() == null ? null : byModel.putIfAbsent(m.model(), m);
            if (other != null) {
                throw new ConfigException(PREFIX + "." + m.name() + ".model", "model '" + m.model()
                        + "' is already read from topic " + other.topic() + " (" + PREFIX + "." + other.name()
                        + "); a model is trained from one topic");
            }
        }
        return parsed;
    }
}
