package io.normalcy.detector.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.detector.config.Startup;
import io.normalcy.detector.topology.KnownTopics;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The known-topics intervals are validated at start-up, naming the key (without starting Kafka Streams). */
class KnownTopicsFactoryTest {

    @Test
    void defaultsStartAndConnectNothing() {
        try (ApplicationContext ctx = Startup.run(Map.of())) {
            assertTrue(ctx.getBean(KnownTopics.class) instanceof AdminKnownTopics);
        }
    }

    @Test
    void badIntervalsStopStartUpNamingTheKey() {
        for (String[] bad : new String[][] {
                {KnownTopicsFactory.REFRESH, "soon"}, {KnownTopicsFactory.REFRESH, "0s"},
                {KnownTopicsFactory.REFRESH, "2h"}, {KnownTopicsFactory.MISS_REFRESH, "10ms"},
                {KnownTopicsFactory.MISS_REFRESH, "1m"}}) {
            String messages = Startup.failure(bad[0], bad[1]);
            assertTrue(messages.contains(bad[0]), bad[0] + "=" + bad[1] + ": " + messages);
        }
    }
}
