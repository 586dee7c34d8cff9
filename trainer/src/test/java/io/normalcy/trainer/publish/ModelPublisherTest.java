package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelVersion;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelPublisherTest {

    private final List<MockProducer<String, ModelVersion>> created = new ArrayList<>();

    private ModelPublisher publisher() {
        return new ModelPublisher(() -> {
            MockProducer<String, ModelVersion> p = new MockProducer<>(true, new StringSerializer(), (t, v) -> new byte[0]);
            created.add(p);
            return p;
        }, "normalcy.models");
    }

    private static ModelVersion model(String name) {
        ModelVersion m = new ModelVersion();
        m.setModel(name);
        return m;
    }

    @Test
    void publishesInATransaction() {
        ModelPublisher pub = publisher();
        pub.publish(model("payments"));
        assertEquals(1, created.size());
        MockProducer<String, ModelVersion> p = created.get(0);
        assertTrue(p.transactionInitialized());
        assertEquals(1, p.history().size());
        assertEquals("payments", p.history().get(0).key());
        assertTrue(p.transactionCommitted());
    }

    @Test
    void aFencedProducerFailsThatPublishAndIsReplacedForTheNext() {
        ModelPublisher pub = publisher();
        created.get(0).fenceProducer(); // another holder of the transactional.id took over
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> pub.publish(model("payments")));
        assertTrue(e.getMessage().contains("can no longer publish"), e.getMessage());
        assertTrue(created.get(0).closed(), "the fenced producer is closed");
        pub.publish(model("payments"));
        assertEquals(2, created.size(), "a new producer for the next publish");
        assertTrue(created.get(1).transactionInitialized());
        assertEquals(1, created.get(1).history().size());
        pub.close();
        assertTrue(created.get(1).closed());
    }
}
