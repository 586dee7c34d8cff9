package io.normalcy.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;

/**
 * A path into a decoded record: field names separated by dots, each optionally followed by array indices, e.g.
 * {@code card.merchant.category} or {@code items[0].price}. One syntax for both record shapes a mapping reads, so a
 * mapping does not change when a producer moves from JSON to Avro: JSON objects and arrays (Jackson {@link JsonNode}),
 * and Avro records, maps and arrays ({@link GenericRecord}, {@link Map}, {@link List}; a union holds its branch value
 * directly, so a path goes through {@code ["null", Card]} like through {@code Card}).
 */
public final class FieldPath {
    private static final Pattern SEGMENT = Pattern.compile("([^.\\[\\]\\s]+)((?:\\[\\d{1,9}])*)");
    private static final Pattern INDEX = Pattern.compile("\\[(\\d+)]");

    private final String text;
    /** Field names (String) and array indices (Integer), in order. */
    private final List<Object> steps;

    private FieldPath(String text, List<Object> steps) {
        this.text = text;
        this.steps = List.copyOf(steps);
    }

    /**
     * @param key the configuration key the path was read from, for the error message
     * @throws IllegalArgumentException naming {@code key} when {@code text} is not a path
     */
    public static FieldPath parse(String text, String key) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(key + ": is empty (expected a path such as card.id or items[0].price)");
        }
        List<Object> steps = new ArrayList<>();
        for (String part : text.strip().split("\\.", -1)) {
            Matcher m = SEGMENT.matcher(part);
            if (!m.matches()) {
                throw new IllegalArgumentException(key + ": '" + text + "' is not a path (expected dotted field names"
                        + " with optional [index], such as card.id or items[0].price)");
            }
            steps.add(m.group(1));
            Matcher i = INDEX.matcher(m.group(2));
            while (i.find()) {
                steps.add(Integer.parseInt(i.group(1)));
            }
        }
        return new FieldPath(text.strip(), steps);
    }

    /**
     * The value at this path: a {@link JsonNode} for JSON records, an Avro datum (CharSequence, Number, Boolean,
     * GenericRecord, enum symbol, List, Map, ...) for Avro records; null when a step is absent or null.
     */
    public Object resolve(Object root) {
        Object at = root;
        for (Object step : steps) {
            at = step instanceof Integer i ? index(at, i) : field(at, (String) step);
            if (at == null || (at instanceof JsonNode n && (n.isNull() || n.isMissingNode()))) {
                return null;
            }
        }
        return at;
    }

    private static Object field(Object at, String name) {
        if (at instanceof JsonNode n) {
            return n.isObject() ? n.get(name) : null;
        }
        if (at instanceof GenericRecord r) {
            Schema.Field f = r.getSchema().getField(name);
            return f == null ? null : r.get(f.pos());
        }
        if (at instanceof Map<?, ?> m) {
            Object v = m.get(name);
            return v != null ? v : m.get(new Utf8(name)); // Avro maps read with Utf8 keys
        }
        return null;
    }

    private static Object index(Object at, int i) {
        if (at instanceof JsonNode n) {
            return n.isArray() && i < n.size() ? n.get(i) : null;
        }
        if (at instanceof List<?> l) {
            return i < l.size() ? l.get(i) : null;
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath p && p.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The path as configured. */
    @Override
    public String toString() {
        return text;
    }
}
