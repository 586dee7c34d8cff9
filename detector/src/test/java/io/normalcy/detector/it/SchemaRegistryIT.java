package io.normalcy.detector.it;

import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.StubSchemaRegistry;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Confluent-framed FeatureVectors through the running detector on the real (in-JVM KRaft) broker
 * ({@link FramedRecordsScenario}): records of the current and of an older writer schema are scored, an unknown schema
 * id is dead-lettered as {@code UNKNOWN_SCHEMA}, and records whose schema must be fetched while the registry is DOWN
 * are neither dead-lettered nor lost: the detector pauses and scores every one of them exactly once after the
 * registry is back.
 *
 * <p>The registry is {@link StubSchemaRegistry}, a stand-in speaking the Confluent-compatible REST API; the same
 * scenario against a real registry server is {@link RegistryAvroApicurioIT}. The broker, Kafka Streams
 * (exactly-once), the pause/resume and the thread replacement are real.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SchemaRegistryIT {
    private static final String MODEL = "registry-model";
    private static final String SUBJECT = "sr.features-value";

    @Test
    void scoresFramedRecordsDeadLettersUnknownIdsAndWaitsOutARegistryOutage(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("sr");
        try (StubSchemaRegistry registry = new StubSchemaRegistry()) {
            Map<String, Object> props = ItSupport.appProperties(bootstrap, "sr", "detector-sr-it");
            props.put("normalcy.detector.registry.url", registry.url());
            new FramedRecordsScenario(registry, MODEL, SUBJECT, 100, 12)
                    .run(bootstrap, topics, props, new FramedRecordsScenario.Checks() { });
        }
    }
}
