package io.normalcy.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.TimeParser;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * JSON ⇄ {@link FeatureVector} mapping (the rules are documented on {@link FeatureVectorJsonSerde}).
 * Errors are {@link IllegalArgumentException}s whose message names the offending field; the serde
 * wraps them.
 */
final class FeatureVectorJson {

    static final Set<String> FIELDS = Set.of("model", "entity", "eventTime", "context", "contextNumeric",
            "features", "attributes", "eventId");

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private FeatureVectorJson() {
    }

    static FeatureVector read(byte[] data) {
        JsonNode root;
        try {
            root = MAPPER.readTree(data);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new IllegalArgumentException("invalid JSON" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid JSON: " + e.getMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new IllegalArgumentException("empty JSON document");
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("expected a JSON object, got " + describe(root));
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!FIELDS.contains(name)) {
                throw new IllegalArgumentException("unknown field '" + name + "' (allowed: model, entity, eventTime, "
                        + "context, contextNumeric, features, attributes, eventId)");
            }
        }
        FeatureVector.Builder b = FeatureVector.newBuilder()
                .setModel(requiredText(root, "model"))
                .setEntity(requiredText(root, "entity"))
                .setEventTime(eventTime(root.get("eventTime")))
                .setFeatures(map(root, "features", true, FeatureVectorJson::number))
                .setContext(map(root, "context", false, FeatureVectorJson::scalarText))
                .setContextNumeric(map(root, "contextNumeric", false, FeatureVectorJson::number))
                .setAttributes(map(root, "attributes", false, FeatureVectorJson::scalarText));
        JsonNode eventId = root.get("eventId");
        if (eventId != null && !eventId.isNull()) {
            if (!eventId.isTextual()) {
                throw new IllegalArgumentException("field 'eventId' must be a string or null, got " + describe(eventId));
            }
            b.setEventId(eventId.textValue());
        }
        return b.build();
    }

    static byte[] write(FeatureVector v) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", v.getModel());
        root.put("entity", v.getEntity());
        root.put("eventTime", v.getEventTime().truncatedTo(ChronoUnit.MILLIS).toString());
        ObjectNode context = root.putObject("context");
        v.getContext().forEach(context::put);
        ObjectNode contextNumeric = root.putObject("contextNumeric");
        v.getContextNumeric().forEach((k, x) -> contextNumeric.put(k, finite("contextNumeric", k, x)));
        ObjectNode features = root.putObject("features");
        v.getFeatures().forEach((k, x) -> features.put(k, finite("features", k, x)));
        ObjectNode attributes = root.putObject("attributes");
        v.getAttributes().forEach(attributes::put);
        if (v.getEventId() != null) {
            root.put("eventId", v.getEventId());
        }
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static double finite(String field, String key, Double x) {
        if (x == null || !Double.isFinite(x)) {
            throw new IllegalArgumentException(field + "." + key + " = " + x + " has no JSON representation");
        }
        return x;
    }

    private static String requiredText(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing required field '" + field + "'");
        }
        if (!n.isTextual() || n.textValue().isBlank()) {
            throw new IllegalArgumentException("field '" + field + "' must be a non-blank string, got " + describe(n));
        }
        return n.textValue();
    }

    /**
     * A JSON number or string read by {@link TimeParser#OFFSET_REQUIRED}: epoch seconds or milliseconds (the
     * magnitude rule of {@link TimeParser}), or ISO-8601 with an offset; truncated to millis. Times without an
     * offset are refused: a serde has no zone to read them in.
     */
    private static Instant eventTime(JsonNode n) {
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing required field 'eventTime' (epoch seconds or milliseconds, "
                    + "or an ISO-8601 string with offset)");
        }
        if (n.isNumber()) {
            if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) {
                throw new IllegalArgumentException("field 'eventTime' is not a finite number: " + describe(n));
            }
            // a double's shortest decimal form, so 1404172800.123 is 123 ms, not 122.99999
            BigDecimal v = n.isFloatingPointNumber() && !n.isBigDecimal() ? BigDecimal.valueOf(n.doubleValue())
                    : n.decimalValue();
            return Instant.ofEpochMilli(TimeParser.OFFSET_REQUIRED.epochMilli(v, "field 'eventTime'"));
        }
        if (n.isTextual()) {
            return TimeParser.OFFSET_REQUIRED.parse(n.textValue(), "field 'eventTime'");
        }
        throw new IllegalArgumentException("field 'eventTime' must be a number (epoch seconds or milliseconds) or an "
                + "ISO-8601 string, got " + describe(n));
    }

    private static <V> Map<String, V> map(JsonNode root, String field, boolean required,
                                          Function<JsonNode, V> value) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing required field '" + field + "'");
            }
            return new LinkedHashMap<>();
        }
        if (!n.isObject()) {
            throw new IllegalArgumentException("field '" + field + "' must be a JSON object, got " + describe(n));
        }
        Map<String, V> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            V v = value.apply(e.getValue());
            if (v == null) {
                throw new IllegalArgumentException(field + "." + e.getKey() + " has an invalid value: "
                        + describe(e.getValue()) + (field.equals("features") || field.equals("contextNumeric")
                        ? " (expected a finite JSON number)" : " (expected a string, number or boolean)"));
            }
            out.put(e.getKey(), v);
        }
        return out;
    }

    /** A finite JSON number, else null (strings such as "NaN" or "12" are refused: no silent coercion). */
    private static Double number(JsonNode n) {
        if (!n.isNumber()) {
            return null;
        }
        double d = n.doubleValue();
        return Double.isFinite(d) ? d : null;
    }

    /** Strings as they are; numbers and booleans as their JSON text (e.g. tier: 3 → "3"). */
    private static String scalarText(JsonNode n) {
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isNumber() || n.isBoolean()) {
            return n.asText();
        }
        return null;
    }

    static String describe(JsonNode n) {
        JsonNodeType t = n.getNodeType();
        String text = n.toString();
        if (text.length() > 40) {
            text = text.substring(0, 40) + "...";
        }
        return t.name().toLowerCase() + " " + text;
    }
}
