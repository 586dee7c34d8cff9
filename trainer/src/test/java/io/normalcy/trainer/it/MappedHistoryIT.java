package io.normalcy.trainer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.mapping.RecordMappings;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.history.History;
import io.normalcy.trainer.history.TopicHistorySource;
import io.normalcy.trainer.job.InProcessRunner;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.queue.TrainingTask;
import io.normalcy.trainer.service.ArtifactStore;
import io.normalcy.trainer.service.TrainerMetrics;
import io.normalcy.trainer.service.TrainingService;
import io.normalcy.trainer.status.StatusReporter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model trained from a raw JSON topic through {@code normalcy.trainer.mappings} on the real (in-JVM KRaft) broker:
 * the mapping names the model, so its history is read from the mapping's topic (not the features topic), every
 * record is mapped, one without the mapped entity path is skipped as UNMAPPABLE, and the training succeeds.
 */
class MappedHistoryIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    Path work;

    private static final String MODEL = "sessions";
    private static final String TOPIC = "app.sessions.v2";

    @Test
    void aModelIsTrainedFromItsMappedRawTopic(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        long start = System.currentTimeMillis() - 3_600_000;
        List<FeatureVector> vectors = Synthetic.vectors(MODEL, 3000, 17, start, 3_000_000);
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap), new StringSerializer(), new ByteArraySerializer())) {
            for (FeatureVector v : vectors) {
                p.send(new ProducerRecord<>(TOPIC, null, v.getEventTime().toEpochMilli(), null, raw(v, true)));
            }
            FeatureVector first = vectors.get(0);
            p.send(new ProducerRecord<>(TOPIC, null, first.getEventTime().toEpochMilli(), null, raw(first, false)))
                    .get();
        }
        ModelRegistry models = new ModelRegistry(Map.of(MODEL, Map.of("features", "x1,x2",
                "categorical-context", "region", "epochs", "1", "blocks", "1", "hidden", "8",
                "min-context-samples", "50")));
        TopicHistorySource source = new TopicHistorySource(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                "normalcy.features", Duration.ofSeconds(60), null,
                RecordMappings.parse("normalcy.trainer.mappings", Map.of("sessions", Map.of("topic", TOPIC,
                        "model", MODEL, "entity", "user.id", "event-time", "at", "time-format", "epoch-millis",
                        "context", Map.of("region", "user.region"),
                        "features", Map.of("x1", "m.values[0]", "x2", "m.values[1]")))));
        History h = source.read(models.find(MODEL).orElseThrow(), start, start + 3_600_000, 100_000);
        assertEquals(vectors.size(), h.rows().size(), "every mapped record is used");
        assertEquals(Map.of("UNMAPPABLE", 1L), h.skips().byReason());
        assertEquals("topic " + TOPIC, h.source());

        TrainingService service = new TrainingService(models, source::read, new InProcessRunner(), null, null,
                new StatusReporter(null, ""), new ArtifactStore(work), new TrainerMetrics(new SimpleMeterRegistry()),
                null, "it", false);
        TrainingRequest req = new TrainingRequest("m1", MODEL, "it", start, start + 3_600_000, Map.of(),
                System.currentTimeMillis());
        TrainingService.Outcome outcome = service.run(new TrainingTask(MODEL, req, List.of("m1")));
        assertTrue(outcome.succeeded(), outcome.message());
        assertTrue(outcome.message().contains(vectors.size() + " records"), outcome.message());
    }

    /** The vector as another system would write it: nested, features in an array, time as epoch millis. */
    private static byte[] raw(FeatureVector v, boolean withUser) {
        String user = withUser ? "\"id\":\"" + v.getEntity() + "\"," : "";
        return String.format(Locale.ROOT, "{\"user\":{%s\"region\":\"%s\"},\"m\":{\"values\":[%s,%s]},\"at\":%d}",
                user, v.getContext().get("region"), Double.toString(v.getFeatures().get("x1")),
                Double.toString(v.getFeatures().get("x2")), v.getEventTime().toEpochMilli())
                .getBytes(StandardCharsets.UTF_8);
    }
}
