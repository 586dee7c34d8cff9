package io.normalcy.testkit;

import java.util.Locale;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the broker flavour from the system property {@value #MODE_PROPERTY}.
 *
 * <p>Why a switch and a fallback rather than skipping: integration tests are the only check that the Kafka
 * Streams topology, exactly-once settings and serdes work against a real broker, so they must always run.
 * {@code embedded} (default) needs nothing but the JVM; {@code testcontainers} uses Docker where it exists and
 * otherwise falls back to the embedded broker with a WARN log.
 */
public final class KafkaBrokers {

    /** System property selecting the flavour: {@code embedded} (default) or {@code testcontainers}. */
    public static final String MODE_PROPERTY = "normalcy.kafka";

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokers.class);

    /** The two broker flavours. */
    public enum Mode { EMBEDDED, TESTCONTAINERS }

    private KafkaBrokers() {
    }

    /** Starts the configured broker with {@link BrokerOptions#defaults()}. */
    public static KafkaBroker start() {
        return start(BrokerOptions.defaults());
    }

    /** Starts the broker selected by {@value #MODE_PROPERTY} with the given options. */
    public static KafkaBroker start(BrokerOptions options) {
        Mode mode = mode(System.getProperty(MODE_PROPERTY));
        if (mode == Mode.TESTCONTAINERS) {
            if (TestcontainersKafkaBroker.dockerAvailable()) {
                return TestcontainersKafkaBroker.start(options);
            }
            LOG.warn("{}=testcontainers but no Docker engine is available: using the embedded Kafka broker instead",
                    MODE_PROPERTY);
        }
        return EmbeddedKafkaBroker.start(options);
    }

    /**
     * Parses a {@value #MODE_PROPERTY} value; null or blank means {@code embedded}, case is ignored.
     *
     * @throws IllegalArgumentException for any other value, naming the property and the allowed values
     */
    public static Mode mode(String value) {
        if (value == null || value.isBlank()) {
            return Mode.EMBEDDED;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "embedded" -> Mode.EMBEDDED;
            case "testcontainers" -> Mode.TESTCONTAINERS;
            default -> throw new IllegalArgumentException("System property " + MODE_PROPERTY + "='" + value
                    + "' is not supported; use 'embedded' or 'testcontainers'");
        };
    }
}
