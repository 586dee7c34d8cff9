package io.normalcy.schemas.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericEnumSymbol;

/**
 * Conversions of a value found at a path (a Jackson node or an Avro datum) into what a feature vector holds, with the
 * path in every error. The rules, the same for JSON and Avro: numbers as they are; booleans as 1 and 0; strings that
 * are decimal numbers ({@code "12.50"}, as many producers write money) as that number, other strings refused;
 * categorical values and attributes from strings, numbers, booleans and enum symbols.
 */
final class Values {
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(\\d{1,30}(\\.\\d{0,30})?|\\.\\d{1,30})([eE][+-]?\\d{1,3})?");

    private Values() {
    }

    /** The value at {@code path}, or a MappingException naming it when it is absent or null. */
    static Object required(FieldPath path, Object root) {
        Object v = path.resolve(root);
        if (v == null) {
            throw new MappingException(path.toString(), "path '" + path + "' is missing or null");
        }
        return v;
    }

    /** A number, boolean (1/0) or decimal string as a double. */
    static double number(FieldPath path, Object root) {
        Object v = required(path, root);
        BigDecimal d = decimal(v);
        if (d != null) {
            return d.doubleValue();
        }
        if (v instanceof Double x) {
            return x; // NaN and infinities pass: the scorer dead-letters them as NON_FINITE_FEATURE
        }
        if (v instanceof Float x) {
            return x;
        }
        if (v instanceof Boolean b) {
            return b ? 1.0 : 0.0;
        }
        if (v instanceof JsonNode n && n.isBoolean()) {
            return n.booleanValue() ? 1.0 : 0.0;
        }
        String s = v instanceof JsonNode n && n.isTextual() ? n.textValue()
                : v instanceof CharSequence c ? c.toString() : null;
        if (s != null && DECIMAL.matcher(s.strip()).matches()) {
            return new BigDecimal(s.strip()).doubleValue();
        }
        throw new MappingException(path.toString(), "path '" + path + "' is " + describe(v)
                + ", expected a number, a boolean or a decimal string");
    }

    /** A finite number as a BigDecimal (exact for integers and decimals), else null. */
    static BigDecimal decimal(Object v) {
        if (v instanceof JsonNode n && n.isNumber()) {
            if (n.isFloatingPointNumber() && !n.isBigDecimal()) {
                double d = n.doubleValue();
                return Double.isFinite(d) ? BigDecimal.valueOf(d) : null;
            }
            return n.decimalValue();
        }
        if (v instanceof Integer || v instanceof Long) {
            return BigDecimal.valueOf(((Number) v).longValue());
        }
        if (v instanceof BigDecimal b) {
            return b;
        }
        return null;
    }

    /** A scalar as text: strings as they are, numbers and booleans as written, Avro enum symbols by name. */
    static String text(Object v, FieldPath path) {
        if (v instanceof JsonNode n) {
            if (n.isValueNode()) {
                return n.asText();
            }
        } else if (v instanceof CharSequence || v instanceof Number || v instanceof Boolean
                || v instanceof GenericEnumSymbol<?> || v instanceof java.time.temporal.Temporal) {
            return v.toString();
        }
        throw new MappingException(path.toString(), "path '" + path + "' is " + describe(v)
                + ", expected a string, number or boolean");
    }

    static String describe(Object v) {
        String kind;
        if (v instanceof JsonNode n) {
            kind = n.getNodeType().name().toLowerCase();
        } else if (v instanceof GenericContainer c) {
            kind = "an Avro " + c.getSchema().getType().getName();
        } else if (v instanceof List<?>) {
            kind = "an array";
        } else if (v instanceof Map<?, ?>) {
            kind = "a map";
        } else if (v instanceof ByteBuffer) {
            kind = "bytes";
        } else {
            kind = v.getClass().getSimpleName().toLowerCase();
        }
        String text = String.valueOf(v);
        return kind + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
