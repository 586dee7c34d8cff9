package io.normalcy.schemas.mapping;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the records of one topic become feature vectors: each part of a {@code FeatureVector} is a constant, a
 * {@link FieldPath} into the record, the record key or the record timestamp. Built and validated by
 * {@link RecordMappings#parse}; applied by {@link RecordMapper}, the one implementation the detector and the trainer
 * share, so a model is trained on exactly the vectors it will score.
 *
 * @param name           the mapping's configuration name (the key under {@code ...mappings})
 * @param topic          the topic whose records it maps
 * @param model          constant model name, or null when {@code modelPath} is set
 * @param modelPath      path of the model name, or null when {@code model} is set
 * @param entity         path of the entity, or null for the record key
 * @param eventTime      where the event time comes from
 * @param eventId        path of the producer's event id, or null
 * @param context        categorical context name → path
 * @param contextNumeric numeric context name → path
 * @param features       feature name → path (at least one)
 * @param attributes     attribute name → path; optional: a missing one is left out of the vector
 */
public record RecordMapping(String name, String topic, String model, FieldPath modelPath, FieldPath entity,
                            EventTime eventTime, FieldPath eventId, Map<String, FieldPath> context,
                            Map<String, FieldPath> contextNumeric, Map<String, FieldPath> features,
                            Map<String, FieldPath> attributes) {
    public RecordMapping {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(topic, "topic");
        if ((model == null) == (modelPath == null)) {
            throw new IllegalArgumentException("mapping " + name + ": exactly one of model and model-path");
        }
        Objects.requireNonNull(eventTime, "eventTime");
        context = ordered(context);
        contextNumeric = ordered(contextNumeric);
        features = ordered(features);
        attributes = ordered(attributes);
        if (features.isEmpty()) {
            throw new IllegalArgumentException("mapping " + name + ": no features");
        }
    }

    /** Configured order kept: it is the order of the vector's maps and so of their JSON. */
    private static Map<String, FieldPath> ordered(Map<String, FieldPath> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
