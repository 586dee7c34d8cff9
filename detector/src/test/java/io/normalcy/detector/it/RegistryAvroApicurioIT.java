package io.normalcy.detector.it;

import static io.normalcy.detector.it.DetectorIT.waitFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.ConfluentAvroDecoder;
import io.normalcy.testkit.ApicurioRegistry;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SchemaRegistryIT}'s scenario against a REAL registry server instead of the stand-in: Apicurio Registry
 * (testkit's {@link ApicurioRegistry}, a child JVM) through its Confluent-compatible API, the detector on the real
 * (in-JVM KRaft) broker. Writer schemas are registered through that API: records of the current, an older (fields
 * missing, taking their defaults) and a newer (an extra field) writer schema are scored; an id the registry does not
 * know is dead-lettered as {@code UNKNOWN_SCHEMA} (the real registry's 404 body); the registry process is stopped
 * while records of a not-yet-fetched schema arrive, and after its restart every record is scored exactly once, none
 * dead-lettered. This is what shows that Normalcy's client reads a real registry's answers, not only the documented
 * API as the stand-in models it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RegistryAvroApicurioIT {
    private static final String MODEL = "apicurio-model";
    private static final String SUBJECT = "apicurio.features-value";

    @TempDir
    Path work;

    @Test
    void scoresFramedRecordsOfARealRegistryAndWaitsOutItsOutage(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("apicurio");
        String input = topics.inputs().get(0);
        try (ApicurioRegistry registry = ApicurioRegistry.start(work)) {
            Map<String, Object> props = ItSupport.appProperties(bootstrap, "apicurio", "detector-apicurio-it");
            props.put("normalcy.detector.registry.url", registry.url());
            props.put("normalcy.detector.registry.max-block", "1s");
            props.put("normalcy.detector.registry.probe-interval", "200ms");
            int currentId = registry.register(SUBJECT, FeatureVector.getClassSchema().toString());
            Schema older = SchemaRegistryIT.olderWriter();
            int olderId = registry.register(SUBJECT, older.toString());
            Random rng = new Random(13);
            Set<String> expected = new HashSet<>();
            try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
                 KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
                ModelRegistry models = server.getApplicationContext().getBean(ModelRegistry.class);
                DetectorMetrics metrics = server.getApplicationContext().getBean(DetectorMetrics.class);
                ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
                waitFor(() -> models.get(MODEL) != null, Duration.ofSeconds(60), "model loaded");

                for (int i = 0; i < 60; i++) {
                    FeatureVector fv = ItSupport.event(MODEL, i, false, rng);
                    byte[] value = i % 2 == 0 ? ConfluentAvroDecoder.encode(currentId, FeatureVector.getClassSchema(), fv)
                            : ConfluentAvroDecoder.encode(olderId, older, SchemaRegistryIT.asOlder(older, fv));
                    producer.send(new ProducerRecord<>(input, fv.getEntity(), value));
                    expected.add(fv.getEntity() + "/" + fv.getEventTime().toEpochMilli());
                }
                int unknownId = Math.max(currentId, olderId) + 4242;
                byte[] unknown = ConfluentAvroDecoder.encode(unknownId, FeatureVector.getClassSchema(),
                        ItSupport.event(MODEL, 60, false, rng));
                producer.send(new ProducerRecord<>(input, "unknown", unknown)).get();

                // a producer rolls out a schema the detector has not fetched yet, and the registry process goes down
                Schema newer = SchemaRegistryIT.newerWriter();
                int newerId = registry.register(SUBJECT, newer.toString());
                registry.stop();
                for (int i = 61; i < 121; i++) {
                    FeatureVector fv = ItSupport.event(MODEL, i, false, rng);
                    producer.send(new ProducerRecord<>(input, fv.getEntity(),
                            ConfluentAvroDecoder.encode(newerId, newer, SchemaRegistryIT.asNewer(newer, fv))));
                    expected.add(fv.getEntity() + "/" + fv.getEventTime().toEpochMilli());
                }
                producer.flush();
                waitFor(() -> metrics.count(DetectorMetrics.PRODUCTION_ERRORS, "exception",
                                "RegistryUnavailableException", "action", "registry-unavailable") >= 1,
                        Duration.ofSeconds(60), "the detector noticed the outage");
                registry.start();

                SchemaRegistryIT.assertScoredOnceAndUnknownIdDeadLettered(bootstrap, topics, expected, unknownId,
                        " (registry log: " + registry.log() + ")");
            }
        }
    }
}
