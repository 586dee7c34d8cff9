package io.normalcy.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The declarative form: one JVM-wide broker from {@link KafkaBrokers#start()}, injected into every method. */
@ExtendWith(KafkaBrokerExtension.class)
class SharedKafkaBrokerExtensionIT {

    private final KafkaBroker constructed;
    private KafkaBroker beforeEach;

    SharedKafkaBrokerExtensionIT(KafkaBroker broker) {
        this.constructed = broker;
    }

    @BeforeEach
    void capture(KafkaBroker broker) {
        beforeEach = broker;
    }

    @Test
    void sharedBrokerIsReachable(KafkaBroker broker) throws Exception {
        assertSame(constructed, broker);
        assertSame(beforeEach, broker);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            assertEquals(1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size());
        }
    }

    @Test
    void sharedBrokerUsesTheConfiguredFlavour(KafkaBroker broker) {
        boolean embeddedExpected = KafkaBrokers.mode(System.getProperty(KafkaBrokers.MODE_PROPERTY))
                == KafkaBrokers.Mode.EMBEDDED || !TestcontainersKafkaBroker.dockerAvailable();
        assertTrue(embeddedExpected == (broker instanceof EmbeddedKafkaBroker), broker.toString());
    }
}
