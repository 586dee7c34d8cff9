package io.normalcy.schemas.mapping;

import io.normalcy.schemas.TimeParser;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;

/**
 * Where a mapped record's event time comes from and how it is read: the Kafka record timestamp ({@code path} null),
 * or the value at {@code path} read by {@code format}:
 * <ul>
 *   <li>{@code auto} (default): {@link TimeParser} in {@code zone}, the one parser of every other time input
 *       (ISO-8601 with or without offset, dates, epoch seconds or milliseconds by magnitude);</li>
 *   <li>{@code epoch-millis}, {@code epoch-seconds}: a number (or numeric string) in that unit, no guessing;</li>
 *   <li>anything else: a {@link DateTimeFormatter} pattern such as {@code dd/MM/yyyy HH:mm:ss}, read in {@code zone}
 *       unless the pattern has an offset.</li>
 * </ul>
 * An Avro {@code timestamp-millis/micros} value is an instant already and is taken as it is.
 */
public record EventTime(FieldPath path, String format, ZoneId zone) {
    public static final String AUTO = "auto";
    public static final String EPOCH_MILLIS = "epoch-millis";
    public static final String EPOCH_SECONDS = "epoch-seconds";

    /** The record timestamp. */
    public static EventTime recordTimestamp() {
        return new EventTime(null, AUTO, java.time.ZoneOffset.UTC);
    }

    /**
     * @param key configuration key of the format, for the error message
     * @throws IllegalArgumentException naming {@code key} when {@code format} is neither a keyword nor a valid pattern
     */
    static DateTimeFormatter pattern(String format, String key) {
        String f = format.strip().toLowerCase(Locale.ROOT);
        if (f.equals(AUTO) || f.equals(EPOCH_MILLIS) || f.equals(EPOCH_SECONDS)) {
            return null;
        }
        try {
            return DateTimeFormatter.ofPattern(format, Locale.ROOT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": '" + format + "' is neither auto, epoch-millis, epoch-seconds"
                    + " nor a date-time pattern (" + e.getMessage() + ")");
        }
    }

    /** Epoch milliseconds of the record: its Kafka timestamp or the mapped value. */
    long toEpochMilli(Object root, long timestamp) {
        if (path == null) {
            if (timestamp < 0) {
                throw new MappingException("@timestamp", "the record has no timestamp (" + timestamp + ")");
            }
            return timestamp;
        }
        Object v = Values.required(path, root);
        String where = "event time at path '" + path + "'";
        try {
            if (v instanceof Instant i) {
                return i.toEpochMilli();
            }
            BigDecimal number = Values.decimal(v);
            String f = format.toLowerCase(Locale.ROOT);
            if (f.equals(EPOCH_MILLIS) || f.equals(EPOCH_SECONDS)) {
                BigDecimal n = number != null ? number : new BigDecimal(Values.text(v, path).strip());
                BigDecimal ms = f.equals(EPOCH_SECONDS) ? n.multiply(BigDecimal.valueOf(1000)) : n;
                return ms.setScale(0, RoundingMode.FLOOR).longValueExact();
            }
            if (f.equals(AUTO)) {
                TimeParser parser = TimeParser.inZone(zone);
                return number != null ? parser.epochMilli(number, where)
                        : parser.toEpochMilli(Values.text(v, path), where);
            }
            return parsePattern(Values.text(v, path));
        } catch (MappingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MappingException(path.toString(), where + ": cannot read " + Values.describe(v) + " as "
                    + format + " (" + e.getMessage() + ")");
        }
    }

    private long parsePattern(String text) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern(format, Locale.ROOT);
        TemporalAccessor t = f.parseBest(text.strip(), ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
        if (t instanceof ZonedDateTime z) {
            return z.toInstant().toEpochMilli();
        }
        if (t instanceof LocalDateTime l) {
            return l.atZone(zone).toInstant().toEpochMilli();
        }
        if (t instanceof LocalDate d) {
            return d.atStartOfDay(zone).toInstant().toEpochMilli();
        }
        throw new DateTimeException("not a date-time");
    }
}
