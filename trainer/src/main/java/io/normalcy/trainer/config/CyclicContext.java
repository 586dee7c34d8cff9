package io.normalcy.trainer.config;

import io.normalcy.flow.preprocess.ContextSpec;

/**
 * A cyclic context field, written {@code name:source:period} (e.g. {@code hour:@hourOfDay:24}) or just a calendar
 * source ({@code @hourOfDay} = period 24, {@code @dayOfWeek} = period 7). Encoded as sin/cos so 23:00 and 00:00
 * are neighbours.
 */
public record CyclicContext(String name, String source, double period) {

    public static CyclicContext parse(String key, String text) {
        String t = text == null ? "" : text.trim();
        String[] parts = t.split(":");
        if (parts.length == 1 && ContextSpec.isCalendarSource(t)) {
            ContextSpec.CyclicField f = ContextSpec.calendarField(t).orElseThrow(() -> new ConfigException(key,
                    "unknown calendar source '" + t + "' (use @hourOfDay, @dayOfWeek or name:source:period)"));
            return new CyclicContext(f.name(), f.source(), f.period());
        }
        if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new ConfigException(key, "cyclic context '" + t + "' must be name:source:period, e.g. hour:@hourOfDay:24");
        }
        double period;
        try {
            period = Double.parseDouble(parts[2]);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "period of cyclic context '" + t + "' is not a number");
        }
        if (!(period > 0) || !Double.isFinite(period)) {
            throw new ConfigException(key, "period of cyclic context '" + t + "' must be > 0");
        }
        return new CyclicContext(parts[0].trim(), parts[1].trim(), period);
    }

    /** The flow's field this encodes. */
    public ContextSpec.CyclicField field() {
        return new ContextSpec.CyclicField(name, source, period);
    }

    @Override
    public String toString() {
        return name + ":" + source + ":" + (period == Math.rint(period) ? Long.toString((long) period) : Double.toString(period));
    }
}
