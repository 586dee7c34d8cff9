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
public final class EventTime {
    public static final String AUTO = "auto";
    public static final String EPOCH_MILLIS = "epoch-millis";
    public static final String EPOCH_SECONDS = "epoch-seconds";

    private final FieldPath path;
    private final String format;
    private final ZoneId zone;
    /** How the value is read, decided once per mapping (not per record): the keyword, or the parsed pattern. */
    private final String keyword;
    private final DateTimeFormatter pattern;
    private final TimeParser parser;

    /**
     * @param path   the field holding the time, or null for the Kafka record timestamp
     * @param format {@code auto}, {@code epoch-millis}, {@code epoch-seconds} or a {@link DateTimeFormatter} pattern
     * @param zone   zone of times without an offset
     */
    public EventTime(FieldPath path, String format, ZoneId zone) {
        this.path = path;
        this.format = java.util.Objects.requireNonNull(format, "format");
        this.zone = java.util.Objects.requireNonNull(zone, "zone");
        String f = format.strip().toLowerCase(Locale.ROOT);
        this.keyword = f.equals(AUTO) || f.equals(EPOCH_MILLIS) || f.equals(EPOCH_SECONDS) ? f : null;
        this.pattern = keyword == null ? pattern(format, "time-format") : null;
        this.parser = TimeParser.inZone(zone);
    }

    public FieldPath path() {
        return path;
    }

    public String format() {
        return format;
    }

    public ZoneId zone() {
        return zone;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventTime e && java.util.Objects.equals(path, e.path) && format.equals(e.format)
                && zone.equals(e.zone);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(path, format, zone);
    }

    @Override
    public String toString() {
        return "EventTime[path=" + path + ", format=" + format + ", zone=" + zone + "]";
    }

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
            if (EPOCH_MILLIS.equals(keyword) || EPOCH_SECONDS.equals(keyword)) {
                BigDecimal n = number != null ? number : new BigDecimal(Values.text(v, path).strip());
                BigDecimal ms = EPOCH_SECONDS.equals(keyword) ? n.multiply(BigDecimal.valueOf(1000)) : n;
                return ms.setScale(0, RoundingMode.FLOOR).longValueExact();
            }
            if (AUTO.equals(keyword)) {
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
        TemporalAccessor t = pattern.parseBest(text.strip(), ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
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
