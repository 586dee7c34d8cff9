package io.normalcy.schemas.mapping;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Parses the {@code mappings} section of a service configuration into {@link RecordMapping}s, validating everything a
 * record does not decide, so that a typo stops start-up with a message naming the key (e.g.
 * {@code normalcy.detector.mappings.cards.features.amount: 'amount..usd' is not a path}) instead of dead-lettering
 * every record. The input is the configuration subtree as a plain map, nested ({@code features: {amount: amount}}) or
 * flattened with dots ({@code features.amount: amount}), which is how Micronaut hands out YAML; section keys may be
 * written hyphenated, camelCase or with underscores.
 *
 * <p>Per mapping ({@code <prefix>.<name>.}): {@code topic} (default: the name; set it for topic names with dots),
 * {@code model} (a constant) or {@code model-path}, {@code entity} (a path or {@code @key}, the default),
 * {@code event-time} (a path or {@code @timestamp}, the default), {@code time-format} ({@link EventTime}),
 * {@code time-zone} (default UTC), {@code event-id}, and the maps {@code context}, {@code context-numeric},
 * {@code features} (required) and {@code attributes}, each name → path.
 */
public final class RecordMappings {
    /** The record key as entity. */
    public static final String KEY = "@key";
    /** The Kafka record timestamp as event time. */
    public static final String TIMESTAMP = "@timestamp";

    private static final List<String> KEYS = List.of("topic", "model", "model-path", "entity", "event-time",
            "time-format", "time-zone", "event-id", "context", "context-numeric", "features", "attributes");
    private static final Set<String> SECTIONS = Set.of("context", "context-numeric", "features", "attributes");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_@-][A-Za-z0-9_@:-]*");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private RecordMappings() {
    }

    /**
     * @param prefix the configuration key of the section, e.g. {@code normalcy.detector.mappings}
     * @param raw    mapping name → its settings; null or empty for none
     * @return topic → mapping
     * @throws IllegalArgumentException naming the offending key
     */
    public static Map<String, RecordMapping> parse(String prefix, Map<String, ?> raw) {
        Map<String, RecordMapping> byTopic = new LinkedHashMap<>();
        if (raw == null) {
            return byTopic;
        }
        for (Map.Entry<String, ?> e : new TreeMap<String, Object>(raw).entrySet()) {
            String key = prefix + "." + e.getKey();
            if (!(e.getValue() instanceof Map<?, ?> m)) {
                throw new IllegalArgumentException(key + ": expected a mapping (topic, model, entity, event-time,"
                        + " features, ...), got '" + e.getValue() + "'");
            }
            RecordMapping mapping = mapping(key, e.getKey(), normalized(key, m));
            RecordMapping clash = byTopic.put(mapping.topic(), mapping);
            if (clash != null) {
                throw new IllegalArgumentException(key + ".topic: topic '" + mapping.topic() + "' is already mapped by "
                        + prefix + "." + clash.name());
            }
        }
        return Collections.unmodifiableMap(byTopic);
    }

    private static RecordMapping mapping(String key, String name, Map<String, Object> m) {
        String topic = text(m, key, "topic", name);
        if (!TOPIC.matcher(topic).matches()) {
            throw new IllegalArgumentException(key + ".topic: '" + topic + "' is not a topic name ([a-zA-Z0-9._-],"
                    + " at most 249)");
        }
        String model = text(m, key, "model", null);
        String modelPath = text(m, key, "model-path", null);
        if ((model == null) == (modelPath == null)) {
            throw new IllegalArgumentException(key + ".model: set exactly one of model (a constant model name) and"
                    + " model-path (where the record names its model)");
        }
        String entity = text(m, key, "entity", KEY);
        String time = text(m, key, "event-time", TIMESTAMP);
        String format = text(m, key, "time-format", EventTime.AUTO);
        EventTime.pattern(format, key + ".time-format");
        ZoneId zone = zone(text(m, key, "time-zone", null), key + ".time-zone");
        if (time.equals(TIMESTAMP) && (m.containsKey("time-format") || m.containsKey("time-zone"))) {
            throw new IllegalArgumentException(key + ".time-format: only applies to an event-time path, but"
                    + " event-time is " + TIMESTAMP);
        }
        String eventId = text(m, key, "event-id", null);
        return new RecordMapping(name, topic, model, modelPath == null ? null : FieldPath.parse(modelPath,
                key + ".model-path"), entity.equals(KEY) ? null : FieldPath.parse(entity, key + ".entity"),
                time.equals(TIMESTAMP) ? EventTime.recordTimestamp()
                        : new EventTime(FieldPath.parse(time, key + ".event-time"), format, zone),
                eventId == null ? null : FieldPath.parse(eventId, key + ".event-id"),
                paths(m, key, "context"), paths(m, key, "context-numeric"), required(paths(m, key, "features"),
                key + ".features"), paths(m, key, "attributes"));
    }

    /** Section keys in their canonical hyphenated spelling, flattened sections nested, unknown keys refused. */
    private static Map<String, Object> normalized(String key, Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String k = String.valueOf(e.getKey());
            int dot = k.indexOf('.');
            String head = canonical(dot < 0 ? k : k.substring(0, dot));
            if (head == null || (dot >= 0 && !SECTIONS.contains(head))) {
                throw new IllegalArgumentException(key + "." + k + ": unknown key; known keys: " + KEYS
                        + (dot >= 0 ? " (a topic name with dots goes in the mapping's topic key, not in its name)"
                        : ""));
            }
            if (dot < 0) {
                out.merge(head, e.getValue(), (a, b) -> merged(a, b));
            } else {
                Map<String, Object> nested = new LinkedHashMap<>();
                nested.put(k.substring(dot + 1), e.getValue());
                out.merge(head, nested, (a, b) -> merged(a, b));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object merged(Object a, Object b) {
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) x);
            m.putAll((Map<String, Object>) y);
            return m;
        }
        return b;
    }

    private static String canonical(String k) {
        String squashed = k.replace("-", "").replace("_", "").toLowerCase(Locale.ROOT);
        for (String known : KEYS) {
            if (known.replace("-", "").equals(squashed)) {
                return known;
            }
        }
        return null;
    }

    private static String text(Map<String, Object> m, String key, String name, String dflt) {
        Object v = m.get(name);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Map<?, ?> || v instanceof List<?>) {
            throw new IllegalArgumentException(key + "." + name + ": expected a single value, got " + v);
        }
        String s = String.valueOf(v).strip();
        if (s.isEmpty()) {
            throw new IllegalArgumentException(key + "." + name + ": is empty");
        }
        return s;
    }

    private static ZoneId zone(String z, String key) {
        if (z == null) {
            return ZoneOffset.UTC;
        }
        try {
            return ZoneId.of(z);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(key + ": '" + z
                    + "' is not a time zone (e.g. UTC, Europe/Paris, +02:00)");
        }
    }

    private static Map<String, FieldPath> paths(Map<String, Object> m, String key, String section) {
        Object v = m.get(section);
        Map<String, FieldPath> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        String k = key + "." + section;
        if (!(v instanceof Map<?, ?> entries)) {
            throw new IllegalArgumentException(k + ": expected name: path entries, got '" + v + "'");
        }
        for (Map.Entry<?, ?> e : entries.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(k + "." + name + ": '" + name + "' is not a name ([A-Za-z0-9_@:-],"
                        + " no dots)");
            }
            if (e.getValue() instanceof Map<?, ?> || e.getValue() instanceof List<?>) {
                throw new IllegalArgumentException(k + "." + name + ": expected a path, got " + e.getValue()
                        + " (names cannot contain dots)");
            }
            out.put(name, FieldPath.parse(e.getValue() == null ? null : String.valueOf(e.getValue()), k + "." + name));
        }
        return out;
    }

    private static Map<String, FieldPath> required(Map<String, FieldPath> features, String key) {
        if (features.isEmpty()) {
            throw new IllegalArgumentException(key + ": at least one feature (name: path) is required");
        }
        return features;
    }
}
