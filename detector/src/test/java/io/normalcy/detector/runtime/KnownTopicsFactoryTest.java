package io.normalcy.detector.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.detector.topology.KnownTopics;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The known-topics intervals are validated at start-up, naming the key (without starting Kafka Streams). */
class KnownTopicsFactoryTest {

    private static ApplicationContext run(Map<String, Object> props) {
        Map<String, Object> all = new HashMap<>(props);
        all.put(StreamsLifecycle.AUTOSTART, "false");
        all.put("micronaut.server.port", "-1");
        return ApplicationContext.run(all);
    }

    private static String startupFailure(String key, String value) {
        Exception e = assertThrows(Exception.class, () -> run(Map.of(key, value)).close(),
                key + "=" + value + " must stop start-up");
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }

    @Test
    void defaultsStartAndConnectNothing() {
        try (ApplicationContext ctx = run(Map.of())) {
            assertTrue(ctx.getBean(KnownTopics.class) instanceof AdminKnownTopics);
        }
    }

    @Test
    void badIntervalsStopStartUpNamingTheKey() {
        for (String[] bad : new String[][] {
                {KnownTopicsFactory.REFRESH, "soon"}, {KnownTopicsFactory.REFRESH, "0s"},
                {KnownTopicsFactory.REFRESH, "2h"}, {KnownTopicsFactory.MISS_REFRESH, "10ms"},
                {KnownTopicsFactory.MISS_REFRESH, "1m"}}) {
            String messages = startupFailure(bad[0], bad[1]);
            assertTrue(messages.contains(bad[0]), bad[0] + "=" + bad[1] + ": " + messages);
        }
    }
}
