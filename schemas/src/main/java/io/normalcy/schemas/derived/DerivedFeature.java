package io.normalcy.schemas.derived;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One derived feature, described entirely by its name, so that a model artifact needs to carry only the names
 * ({@code ModelVersion.derived}) and the detector computes exactly what the trainer declared:
 * <ul>
 *   <li>{@code <source>.lag_<k>}: the source's value k events ago;</li>
 *   <li>{@code <source>.diff} / {@code <source>.ratio}: difference to / ratio to the previous value;</li>
 *   <li>{@code <source>.mean_<w>}, {@code .std_<w>}, {@code .min_<w>}, {@code .max_<w>}: over the previous
 *       {@code w} events ({@code mean_10}) or the previous events within a time window ({@code mean_5m}; units
 *       {@code ms s m h d});</li>
 *   <li>{@code since_previous}: seconds since the entity's previous event;</li>
 *   <li>{@code count_<duration>}: the entity's previous events within the window ({@code count_1h}).</li>
 * </ul>
 * The statistics describe the history <em>before</em> the event, never including it: an event is compared with
 * its entity's past, and an outlier does not dilute its own baseline.
 *
 * @param name         the name as declared, also the feature's name in the model
 * @param kind         what is computed
 * @param source       the raw feature it reads, or null for {@link Kind#SINCE_PREVIOUS} and {@link Kind#COUNT}
 * @param events       k of a lag, or the window in events; 0 when the window is a duration
 * @param windowMillis the window as a duration, 0 when it is in events
 */
public record DerivedFeature(String name, Kind kind, String source, int events, long windowMillis) {
    /** The most events one entity's history keeps (bounds a lag, an event window and the state size). */
    public static final int MAX_EVENTS = 1000;

    /** What a derived feature computes. */
    public enum Kind {
        LAG, DIFF, RATIO, MEAN, STD, MIN, MAX, SINCE_PREVIOUS, COUNT;

        boolean windowed() {
            return this == MEAN || this == STD || this == MIN || this == MAX || this == COUNT;
        }
    }

    private static final Pattern OP = Pattern.compile("(lag|diff|ratio|mean|std|min|max|since_previous|count)"
            + "(?:_(\\d{1,9})(ms|s|m|h|d)?)?");

    public DerivedFeature {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
    }

    /** Whether this feature's window is a duration rather than a number of events. */
    public boolean timeWindow() {
        return windowMillis > 0;
    }

    /**
     * Parses a derived feature's name.
     *
     * @throws IllegalArgumentException saying what the name should look like
     */
    public static DerivedFeature parse(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a derived feature name is empty");
        }
        String n = name.strip();
        int dot = n.lastIndexOf('.');
        String source = dot < 0 ? null : n.substring(0, dot);
        String op = dot < 0 ? n : n.substring(dot + 1);
        Matcher m = OP.matcher(op.toLowerCase(Locale.ROOT));
        if (!m.matches() || (source != null && source.isBlank())) {
            throw new IllegalArgumentException(syntax(n));
        }
        Kind kind = Kind.valueOf(m.group(1).toUpperCase(Locale.ROOT));
        boolean hasArg = m.group(2) != null;
        boolean needsSource = kind != Kind.SINCE_PREVIOUS && kind != Kind.COUNT;
        boolean needsArg = kind == Kind.LAG || kind.windowed();
        if (needsSource != (source != null) || needsArg != hasArg
                || (m.group(3) != null && (kind == Kind.LAG)) || (kind == Kind.COUNT && m.group(3) == null)) {
            throw new IllegalArgumentException(syntax(n));
        }
        long amount = hasArg ? Long.parseLong(m.group(2)) : 0;
        if (hasArg && amount < 1) {
            throw new IllegalArgumentException("'" + n + "': the window or lag must be at least 1");
        }
        if (m.group(3) == null) {
            if (amount > MAX_EVENTS) {
                throw new IllegalArgumentException("'" + n + "': at most " + MAX_EVENTS + " events");
            }
            return new DerivedFeature(n, kind, source, (int) amount, 0);
        }
        return new DerivedFeature(n, kind, source, 0, Math.multiplyExact(amount, unitMillis(m.group(3))));
    }

    private static long unitMillis(String unit) {
        return switch (unit) {
            case "ms" -> 1L;
            case "s" -> 1_000L;
            case "m" -> 60_000L;
            case "h" -> 3_600_000L;
            default -> 86_400_000L;
        };
    }

    private static String syntax(String n) {
        return "'" + n + "' is not a derived feature; expected <feature>.lag_<k>, <feature>.diff, <feature>.ratio,"
                + " <feature>.mean|std|min|max_<events or duration, e.g. 10 or 5m>, since_previous or"
                + " count_<duration, e.g. 1h>";
    }
}
