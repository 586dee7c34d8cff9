package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.cli.DetectorCli;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code detector replay-parked} on a real broker with the real detector (issue 15): records of two models arrive
 * while neither has a version and are parked by the running detector. Replaying one model is refused while the
 * models topic holds no accepted version of it (none, then only a forged one); once a signed version is accepted,
 * the replay moves exactly that model's parked records back to their source topic (original key, value and
 * headers, without the parking headers), the live detector scores each of them once, the other model's records
 * stay parked, and a second run moves nothing.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReplayParkedIT {
    private static final String MODEL = "rp-model";
    private static final String OTHER = "rp-other";
    private static final int MINE = 40;
    private static final int OTHERS = 15;

    @Test
    void movesParkedRecordsBackOnceTheModelHasAVersionExactlyOnce(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("rp");
        Map<String, Object> props = ItSupport.appProperties(bootstrap, "rp", "detector-rp");
        props.put("normalcy.detector.signing.hmac-secret", BackfillIT.SECRET);
        String input = topics.inputs().get(0);
        AvroSerde<FeatureVector> fvSerde = AvroSerde.of(FeatureVector.class);
        try (ApplicationContext ctx = ApplicationContext.run(props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            Random rng = new Random(16);
            for (int i = 0; i < MINE + OTHERS; i++) {
                FeatureVector fv = ItSupport.event(i < MINE ? MODEL : OTHER, i, false, rng);
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(input, fv.getEntity(),
                        fvSerde.serialize(input, fv));
                r.headers().add("trace", ("t-" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(r);
            }
            producer.flush();
            List<ConsumerRecord<byte[], byte[]>> parked = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> c = ItSupport.committedReader(bootstrap, topics.parking())) {
                ItSupport.readUntil(c, parked, l -> l.size() >= MINE + OTHERS, Duration.ofSeconds(90));
            }
            assertEquals(MINE + OTHERS, parked.size(), "parked by the live detector");

            Run none = replay(bootstrap, topics);
            assertEquals(DetectorCli.NO_MODEL, none.code, none.err);
            assertTrue(none.err.contains("model '" + MODEL + "' has no accepted"), none.err);
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0)); // unsigned
            Run forged = replay(bootstrap, topics);
            assertEquals(DetectorCli.NO_MODEL, forged.code, "an unsigned version is not accepted: " + forged.err);

            ItSupport.publishModel(producer, topics.models(), TestModels.signed(TestModels.standardNormal(MODEL, 2,
                    1.0), BackfillIT.SECRET));
            ModelRegistry registry = ctx.getBean(ModelRegistry.class);
            DetectorIT.waitFor(() -> registry.get(MODEL) != null, Duration.ofSeconds(60), "model v2 loaded");
            Run first = replay(bootstrap, topics);
            assertEquals(0, first.code, first.err);
            assertTrue(first.out.contains("moved: " + MINE + " other models: {" + OTHER + "=" + OTHERS + "}"),
                    first.out);

            List<ConsumerRecord<byte[], byte[]>> scores = BackfillIT.readAll(bootstrap, topics.scores(), MINE);
            assertEquals(MINE, scores.size(), "the live detector scored each replayed record once");
            AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
            Set<String> ids = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : scores) {
                ScoredEvent s = scoreSerde.deserialize(topics.scores(), r.value());
                assertEquals(MODEL, s.getModel());
                assertTrue(ids.add(s.getEventId()), "scored once: " + s.getEventId());
            }

            List<ConsumerRecord<byte[], byte[]>> inputs = BackfillIT.readAll(bootstrap, input, 2L * MINE + OTHERS);
            assertEquals(2 * MINE + OTHERS, inputs.size(), "originals plus one copy of each parked record of " + MODEL);
            Map<String, Integer> perEvent = new java.util.TreeMap<>();
            for (ConsumerRecord<byte[], byte[]> r : inputs) {
                FeatureVector fv = fvSerde.deserialize(input, r.value());
                perEvent.merge(fv.getEventId(), 1, Integer::sum);
                int i = Integer.parseInt(fv.getEventId().substring(3));
                assertEquals(List.of("trace"), headerKeys(r), "original headers only, no parking header");
                assertEquals("t-" + i, new String(r.headers().lastHeader("trace").value(), StandardCharsets.UTF_8));
                assertEquals(fv.getEntity(), new String(r.key(), StandardCharsets.UTF_8), "original key");
            }
            for (int i = 0; i < MINE + OTHERS; i++) {
                assertEquals(i < MINE ? 2 : 1, perEvent.get("ev-" + i), "copies of event " + i);
            }

            Run second = replay(bootstrap, topics);
            assertEquals(0, second.code, second.err);
            assertTrue(second.out.contains("moved: 0 "), second.out);
            assertEquals(2 * MINE + OTHERS, BackfillIT.readAll(bootstrap, input, 2L * MINE + OTHERS).size(),
                    "a second run moves nothing");
        }
    }

    private static List<String> headerKeys(ConsumerRecord<byte[], byte[]> r) {
        List<String> keys = new ArrayList<>();
        for (Header h : r.headers()) {
            keys.add(h.key());
        }
        return keys;
    }

    private record Run(int code, String out, String err) {
    }

    private static Run replay(String bootstrap, DetectorTopics topics) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DetectorCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "replay-parked",
                "--bootstrap-servers", bootstrap, "--model", MODEL,
                "-p", "normalcy.detector.topics.models=" + topics.models(),
                "-p", "normalcy.detector.topics.inputs=" + topics.inputs().get(0),
                "-p", "normalcy.detector.topics.parking=" + topics.parking(),
                "-p", "normalcy.detector.signing.hmac-secret=" + BackfillIT.SECRET);
        return new Run(code, out.toString(), err.toString());
    }
}
