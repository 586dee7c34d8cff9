package io.normalcy.detector.config;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.micronaut.context.ApplicationContext;
import io.normalcy.detector.runtime.StreamsLifecycle;

import java.util.HashMap;
import java.util.Map;

/** Starts the detector's application context without Kafka Streams and without HTTP, for configuration tests. */
public final class Startup {
    private Startup() {
    }

    public static ApplicationContext run(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put(StreamsLifecycle.AUTOSTART, "false");
        all.put("micronaut.server.port", "-1");
        return ApplicationContext.run(all);
    }

    /** Every message of the cause chain of the start-up failure {@code key=value} must cause. */
    public static String failure(String key, String value) {
        return messages(assertThrows(Exception.class, () -> run(Map.of(key, value)).close(),
                key + "=" + value + " must stop start-up"));
    }

    /**
     * Every message of the cause chain of the start-up failure {@code props} must cause, including the failures of
     * beans built on first use (the Kafka Streams client: its settings are checked against the registry's).
     */
    public static String failure(Map<String, Object> props) {
        Exception e = assertThrows(Exception.class, () -> {
            try (ApplicationContext ctx = run(props)) {
                ctx.getBean(org.apache.kafka.streams.KafkaStreams.class).close();
            }
        }, props + " must stop start-up");
        return messages(e);
    }

    private static String messages(Exception e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
