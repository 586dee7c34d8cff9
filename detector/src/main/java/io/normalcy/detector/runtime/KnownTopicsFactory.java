package io.normalcy.detector.runtime;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;

import jakarta.inject.Named;
import java.time.Duration;
import java.util.Properties;

/**
 * The {@link AdminKnownTopics} the scoring processor asks before copying an alert to a subscription topic.
 * Created eagerly so that a bad interval stops start-up naming the key; it connects to Kafka only when first asked.
 * <ul>
 *   <li>{@value #REFRESH} (default 30s, 1s–1h): period of the background topic listing; a topic deleted later is
 *   noticed within this time (copies to it go to the dead-letter topic from then on).</li>
 *   <li>{@value #MISS_REFRESH} (default 5s, 100ms–refresh interval): least time between two listings triggered by a
 *   topic missing from the list (e.g. a subscription created a moment ago); bounds the broker round-trips a missing
 *   topic can cost, whatever the alert rate.</li>
 * </ul>
 */
@Factory
public class KnownTopicsFactory {
    static final String REFRESH = "normalcy.detector.known-topics.refresh-interval";
    static final String MISS_REFRESH = "normalcy.detector.known-topics.miss-refresh-interval";
    /** Bound of one listing (it may run on a stream thread, on a miss). */
    static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);

    @Context
    @Bean(preDestroy = "close")
    AdminKnownTopics knownTopics(PropertyResolver env, @Named("kafkaClientProperties") Properties clientProps) {
        Duration refresh = duration(env, REFRESH, Duration.ofSeconds(30));
        Duration miss = duration(env, MISS_REFRESH, Duration.ofSeconds(5));
        if (refresh.compareTo(Duration.ofSeconds(1)) < 0 || refresh.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(REFRESH + " must be between 1s and 1h, got " + refresh);
        }
        if (miss.compareTo(Duration.ofMillis(100)) < 0 || miss.compareTo(refresh) > 0) {
            throw new IllegalArgumentException(MISS_REFRESH + " must be between 100ms and " + REFRESH + " ("
                    + refresh + "), got " + miss);
        }
        return new AdminKnownTopics(new AdminKnownTopics.AdminLister(clientProps, LIST_TIMEOUT), refresh, miss,
                System::nanoTime);
    }

    private static Duration duration(PropertyResolver env, String key, Duration defaultValue) {
        String raw = env.getProperty(key, String.class).orElse(null);
        if (raw == null) {
            return defaultValue;
        }
        return env.getProperty(key, Duration.class).orElseThrow(() -> new IllegalArgumentException(key
                + ": cannot convert '" + raw + "' to a duration (e.g. 30s, 5m)"));
    }
}
