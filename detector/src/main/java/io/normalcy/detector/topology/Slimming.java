package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.flow.preprocess.ContextSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Shortened copies of scores and alerts that would not fit the producer's limit. Only what came verbatim from the
 * input can be large (entity, event id, context, attributes); model-bound parts (model name, feature names,
 * contributions, threshold scope) are as large as the accepted model allows and are never touched. Every
 * shortened record says so: the Kafka header {@value #TRUNCATED} lists the shortened fields (scores and alerts)
 * and an alert also carries {@code attributes["normalcy.truncated"] = "true"} (ScoredEvent has no free-form map,
 * and a header needs no schema change). The alert id is derived from the full values, so it does not change.
 */
final class Slimming {
    /** Header (comma-separated field names) and alert attribute ("true") marking a shortened record. */
    static final String TRUNCATED = "normalcy.truncated";

    private Slimming() {
    }

    /** A shortened record and the names of the fields that were shortened or dropped. */
    record Slim<T>(T record, List<String> fields) {
    }

    /** Entity and event id capped (see {@link Truncation}). */
    static Slim<ScoredEvent> score(ScoredEvent e) {
        List<String> fields = new ArrayList<>();
        ScoredEvent.Builder b = ScoredEvent.newBuilder(e);
        if (Truncation.tooLong(e.getEntity())) {
            b.setEntity(Truncation.cap(e.getEntity()));
            fields.add("entity");
        }
        if (Truncation.tooLong(e.getEventId())) {
            b.setEventId(Truncation.cap(e.getEventId()));
            fields.add("eventId");
        }
        return new Slim<>(b.build(), fields);
    }

    /** Every free-form string capped: entity, event id, context keys/values, numeric context keys, attributes. */
    static Slim<Alert> alert(Alert a) {
        List<String> fields = new ArrayList<>();
        Alert.Builder b = Alert.newBuilder(a);
        if (Truncation.tooLong(a.getEntity())) {
            b.setEntity(Truncation.cap(a.getEntity()));
            fields.add("entity");
        }
        if (Truncation.tooLong(a.getEventId())) {
            b.setEventId(Truncation.cap(a.getEventId()));
            fields.add("eventId");
        }
        Map<String, String> context = Truncation.capStrings(a.getContext());
        if (context != a.getContext()) {
            b.setContext(context);
            fields.add("context");
        }
        Map<String, Double> numeric = Truncation.capKeys(a.getContextNumeric());
        if (numeric != a.getContextNumeric()) {
            b.setContextNumeric(numeric);
            fields.add("contextNumeric");
        }
        Map<String, String> attributes = Truncation.capStrings(a.getAttributes());
        if (attributes != a.getAttributes()) {
            fields.add("attributes");
        }
        Map<String, String> marked = new LinkedHashMap<>(attributes);
        marked.put(TRUNCATED, "true");
        b.setAttributes(marked);
        return new Slim<>(b.build(), fields);
    }

    /**
     * The last resort before giving up on an alert: {@link #alert} plus only the context entries the model reads
     * ({@code contextKeys}) and no attributes but the marker, for inputs with thousands of context or attribute
     * entries.
     */
    static Slim<Alert> alertMinimal(Alert a, Set<String> contextKeys) {
        Slim<Alert> capped = alert(a);
        List<String> fields = new ArrayList<>(capped.fields());
        Alert.Builder b = Alert.newBuilder(capped.record());
        Map<String, String> context = new LinkedHashMap<>();
        a.getContext().forEach((k, v) -> {
            if (contextKeys.contains(k)) {
                context.put(k, Truncation.cap(v));
            }
        });
        Map<String, Double> numeric = new LinkedHashMap<>();
        a.getContextNumeric().forEach((k, v) -> {
            if (contextKeys.contains(k)) {
                numeric.put(k, v);
            }
        });
        addIfChanged(fields, "context", context.size() != a.getContext().size());
        addIfChanged(fields, "contextNumeric", numeric.size() != a.getContextNumeric().size());
        addIfChanged(fields, "attributes", !a.getAttributes().isEmpty());
        b.setContext(context).setContextNumeric(numeric).setAttributes(Map.of(TRUNCATED, "true"));
        return new Slim<>(b.build(), fields);
    }

    /** Context keys a model reads: categorical fields, numeric fields, cyclic sources that are not calendar parts. */
    static Set<String> contextKeys(ContextSpec spec) {
        return new HashSet<>(spec.recordKeys());
    }

    private static void addIfChanged(List<String> fields, String field, boolean changed) {
        if (changed && !fields.contains(field)) {
            fields.add(field);
        }
    }

    static String describe(List<String> fields) {
        return String.join(",", Objects.requireNonNull(fields));
    }
}
