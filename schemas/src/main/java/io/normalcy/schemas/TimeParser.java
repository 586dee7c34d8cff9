package io.normalcy.schemas;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.TemporalAccessor;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one way Normalcy turns text into an event time: CSV time columns of {@code normalcy fit|score|sample},
 * the trainer's history files and training windows, and the JSON {@code FeatureVector.eventTime}. One parser so
 * that a timestamp accepted in one place is accepted in all of them (there used to be four, each with its own
 * subset, and one read an empty cell as 1970-01-01).
 *
 * <p>Accepted forms (surrounding blanks ignored):
 * <ul>
 *   <li>ISO-8601 with an offset: {@code 2014-07-01T00:00:00Z}, {@code 2014-07-01T02:00:00.250+02:00},
 *       {@code +0200} and {@code +02} offsets, an optional {@code [Europe/Paris]} region; a space may replace the
 *       {@code T}.</li>
 *   <li>A date-time without offset: {@code 2014-07-01 00:00:00} (the usual CSV export), {@code 2014-07-01T00:00},
 *       fractional seconds up to nanoseconds; read in the parser's zone (UTC unless configured). In a daylight-saving
 *       overlap the earlier offset is used, a time in a gap is moved forward by the gap (java.time's rule).</li>
 *   <li>A date: {@code 2014-07-01}, the start of that day in the parser's zone.</li>
 *   <li>Year-first slash forms {@code 2014/07/01 00:00:00} and {@code 2014/07/01}, read like the dash forms.
 *       Day-first or month-first forms ({@code 01/07/2014}) are refused: they are ambiguous.</li>
 *   <li>Epoch numbers {@code [+-]digits[.digits]}: a magnitude below 10<sup>11</sup> is epoch <b>seconds</b>
 *       (10<sup>11</sup> s is the year 5138), otherwise epoch <b>milliseconds</b> (10<sup>11</sup> ms is
 *       1973-03-03T09:46:40Z, so every realistic millisecond timestamp is above it). Fractions are allowed
 *       ({@code 1404172800.25} is 250 ms past the second). Compact dates such as {@code 20140701} are therefore
 *       epoch seconds, not dates.</li>
 * </ul>
 * Results are truncated to milliseconds (towards the past), the precision of the event time everywhere.
 * Dates are validated strictly ({@code 2014-02-30} and {@code 24:00} are refused, not rolled over).
 *
 * <p>{@link #OFFSET_REQUIRED} refuses the forms without an offset (date-times and dates): it is for inputs such as
 * the JSON wire format, where no zone is configured and guessing UTC could shift every event by hours.
 *
 * <p>Errors are {@link IllegalArgumentException}s whose message starts with the caller's subject (a column and
 * line, a field, an option), quotes the value and lists the accepted forms. An empty value is an error, never a
 * default time.
 */
public final class TimeParser {
    /** Date-times without an offset are UTC. */
    public static final TimeParser UTC = new TimeParser(ZoneOffset.UTC);
    /** Only forms that fix the instant by themselves: with an offset, or epoch numbers. */
    public static final TimeParser OFFSET_REQUIRED = new TimeParser(null);

    private static final BigDecimal SECONDS_BELOW = BigDecimal.valueOf(100_000_000_000L);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
    /** Bounded digit counts: a long's worth of integer digits and nanosecond fractions, nothing to blow up on. */
    private static final Pattern NUMBER = Pattern.compile("[+-]?\\d{1,19}(\\.\\d{1,9})?");
    private static final Pattern SLASH_DATE = Pattern.compile("\\d{4}/\\d{2}/\\d{2}([T ].*)?");
    private static final int MAX_QUOTED = 60;

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart()
            .appendLiteral('T')
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().parseLenient().appendOffset("+HHMMss", "Z").parseStrict().optionalEnd()
            .optionalStart().appendLiteral('[').parseCaseSensitive().appendZoneRegionId().appendLiteral(']')
            .optionalEnd()
            .optionalEnd()
            .toFormatter()
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    private final ZoneId zone;

    private TimeParser(ZoneId zone) {
        this.zone = zone;
    }

    /** A parser reading date-times without an offset (and dates) in {@code zone}. */
    public static TimeParser inZone(ZoneId zone) {
        return new TimeParser(Objects.requireNonNull(zone, "zone"));
    }

    /** The zone for forms without an offset; null for {@link #OFFSET_REQUIRED}. */
    public ZoneId zone() {
        return zone;
    }

    /**
     * @param subject what the value is, for the error message, e.g. {@code "data.csv line 7: column 'ts'"}
     * @return epoch milliseconds
     * @throws IllegalArgumentException naming {@code subject}, quoting the value and listing the accepted forms
     */
    public long toEpochMilli(String text, String subject) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            throw error(subject, "is empty", null);
        }
        if (NUMBER.matcher(t).matches()) {
            return epochMilli(new BigDecimal(t), subject);
        }
        if (SLASH_DATE.matcher(t).matches()) {
            t = t.substring(0, 4) + '-' + t.substring(5, 7) + '-' + t.substring(8);
        }
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        TemporalAccessor parsed;
        try {
            parsed = FORMAT.parseBest(t, ZonedDateTime::from, LocalDateTime::from, LocalDate::from);
        } catch (DateTimeException e) {
            throw error(subject, "is not an ISO-8601 date-time or epoch number", text);
        }
        if (parsed instanceof ZonedDateTime z) {
            return z.toInstant().toEpochMilli();
        }
        if (zone == null) {
            throw error(subject, "is not an ISO-8601 date-time with offset (add Z or +hh:mm: there is no zone to"
                    + " read it in here)", text);
        }
        ZonedDateTime z = parsed instanceof LocalDateTime l ? l.atZone(zone) : ((LocalDate) parsed).atStartOfDay(zone);
        return z.toInstant().toEpochMilli();
    }

    /** {@link #toEpochMilli(String, String)} as an {@link Instant}. */
    public Instant parse(String text, String subject) {
        return Instant.ofEpochMilli(toEpochMilli(text, subject));
    }

    /**
     * The epoch-number rule on its own, for inputs that are already numbers (a JSON number): magnitude below
     * 10<sup>11</sup> → seconds, else milliseconds; truncated to milliseconds.
     */
    public long epochMilli(BigDecimal number, String subject) {
        BigDecimal millis = number.abs().compareTo(SECONDS_BELOW) < 0 ? number.multiply(THOUSAND) : number;
        try {
            return millis.setScale(0, RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException e) {
            throw error(subject, "is out of range as epoch milliseconds", number.toPlainString());
        }
    }

    /** The accepted forms, for help texts and error messages. */
    public String accepted() {
        String numbers = "epoch seconds (1404172800, 1404172800.25) or epoch milliseconds (1404172800000; a number"
                + " below 1e11 is seconds)";
        if (zone == null) {
            return "ISO-8601 with offset (2014-07-01T00:00:00Z, 2014-07-01T02:00:00.250+02:00) or " + numbers;
        }
        return "ISO-8601 with offset (2014-07-01T00:00:00Z, 2014-07-01T02:00:00.250+02:00), a date-time in " + zone
                + " (2014-07-01 00:00:00, 2014-07-01T00:00, 2014/07/01 00:00:00), a date (2014-07-01, start of day"
                + " in " + zone + ") or " + numbers;
    }

    private IllegalArgumentException error(String subject, String problem, String value) {
        String quoted = "";
        if (value != null) {
            quoted = ": '" + (value.length() > MAX_QUOTED ? value.substring(0, MAX_QUOTED) + "..." : value) + "'";
        }
        return new IllegalArgumentException(subject + " " + problem + quoted + " (accepted: " + accepted() + ")");
    }

    @Override
    public String toString() {
        return "TimeParser[" + (zone == null ? "offset required" : zone) + "]";
    }
}
