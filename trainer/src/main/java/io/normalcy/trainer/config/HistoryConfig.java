package io.normalcy.trainer.config;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.env.Environment;
import io.micronaut.core.annotation.Nullable;
import io.normalcy.schemas.derived.HistoryLimit;
import jakarta.inject.Inject;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code normalcy.trainer.history.max-events-per-entity} / {@code max-bytes-per-entity}: how much of each entity's
 * history the trainer's derived features see ({@link HistoryLimit}). The detector caps each entity's stored history
 * with its {@code normalcy.detector.history.*} keys, and the cap changes the derived values of an entity that reaches
 * it (a time-window count saturates, a lag deeper than the cap is the oldest value kept); a trainer deriving with
 * another limit would train on values the detector never computes. Same keys, ranges and defaults as the detector's,
 * so an operator sets both to the same values.
 *
 * <p>Built at start-up ({@link Context}): a value out of range, one that is not an integer or an unknown key under
 * {@code normalcy.trainer.history} stops the trainer naming the key. Taken as text and parsed here rather than bound
 * as numbers, because binding falls back to the default for a value it cannot convert and would hide the typo.
 */
@Context
public final class HistoryConfig {
    public static final String PREFIX = TrainerConfig.PREFIX + ".history";
    /** Configuration key of {@link HistoryLimit#maxEvents()}. */
    public static final String MAX_EVENTS = PREFIX + ".max-events-per-entity";
    /** Configuration key of {@link HistoryLimit#maxBytes()}. */
    public static final String MAX_BYTES = PREFIX + ".max-bytes-per-entity";
    private static final Set<String> KEYS = Set.of("max-events-per-entity", "max-bytes-per-entity");

    private final HistoryLimit limit;

    /**
     * @param maxEvents the raw value, null when unset (the literal keys also let deploy's configuration scanner see
     *                  them)
     * @param maxBytes  likewise
     */
    @Inject
    public HistoryConfig(Environment env,
                         @Property(name = "normalcy.trainer.history.max-events-per-entity") @Nullable String maxEvents,
                         @Property(name = "normalcy.trainer.history.max-bytes-per-entity") @Nullable String maxBytes) {
        for (String entry : env.getPropertyEntries(PREFIX)) {
            checkKey(env, entry, entry);
        }
        this.limit = HistoryLimit.checked(intValue(MAX_EVENTS, maxEvents, HistoryLimit.DEFAULT.maxEvents()),
                intValue(MAX_BYTES, maxBytes, HistoryLimit.DEFAULT.maxBytes()), MAX_EVENTS, MAX_BYTES);
    }

    /** The limit the trainer derives history features with. */
    public HistoryLimit limit() {
        return limit;
    }

    private static int intValue(String key, String raw, int defaultValue) {
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + raw + "' is not an integer");
        }
    }

    /**
     * Follows an entry down the way {@link ModelRegistry} does for the keys under {@code normalcy.trainer}: an
     * environment variable ({@code NORMALCY_TRAINER_HISTORY_MAX_EVENTS_PER_ENTITY}) is also read as the dotted path
     * {@code max.events.per.entity}, whose words joined with '-' name the key.
     */
    private static void checkKey(Environment env, String path, String key) {
        if (KEYS.contains(key)) {
            return;
        }
        Collection<String> deeper = env.getPropertyEntries(PREFIX + "." + path);
        if (deeper.isEmpty() || KEYS.stream().noneMatch(k -> k.startsWith(key + "-"))) {
            throw new ConfigException(PREFIX + "." + key, "unknown key; known keys: " + new TreeSet<>(KEYS));
        }
        for (String next : deeper) {
            checkKey(env, path + "." + next, key + "-" + next);
        }
    }
}
