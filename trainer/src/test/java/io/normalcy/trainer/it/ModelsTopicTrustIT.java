package io.normalcy.trainer.it;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelControlAction;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.ModelControls;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.kafka.TopicReader;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Key;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer and the models topic (issue 10): junk keyed like a model, JSON, a truncated Avro header and a tombstone
 * neither stop start-up nor a retrain, and version numbering continues from the versions that are really there, also
 * after a restart. Versions are keyed {@code <model>/v<N>} and signed with the configured key id; with
 * {@code keep-versions=2} the third version retires the first with a signed RETIRE record; {@code POST/DELETE
 * /models/{name}/pin} publish signed PIN/UNPIN records, visible in {@code GET /models}.
 */
class ModelsTopicTrustIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    static Path artifacts;

    static final Instant NOW = Instant.now();
    static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private static Map<String, Object> props(KafkaBroker broker) {
        Map<String, Object> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", broker.bootstrapServers());
        p.put("micronaut.server.port", -1);
        p.put("normalcy.trainer.instance-id", "trainer-trust-it");
        p.put("normalcy.trainer.artifact-dir", artifacts.toString());
        p.put("normalcy.trainer.isolation", "in-process");
        p.put("normalcy.trainer.retrain-listener", false);
        p.put("normalcy.trainer.hmac-key", Base64.getEncoder().encodeToString(SECRET));
        p.put("normalcy.trainer.signing-key-id", "k-it");
        p.put("normalcy.trainer.keep-versions", 2);
        for (String model : List.of("small", "pinned")) {
            String m = "normalcy.trainer.models." + model + ".";
            p.put(m + "features", List.of("x1", "x2"));
            p.put(m + "categorical-context", List.of("region"));
            p.put(m + "blocks", 1);
            p.put(m + "hidden", List.of(8));
            p.put(m + "epochs", 2);
            p.put(m + "min-context-samples", 100);
        }
        return p;
    }

    @Test
    void junkOnTheModelsTopicNeitherStopsStartUpNorBreaksNumbering(KafkaBroker broker) throws Exception {
        KafkaIo io = new KafkaIo(broker.bootstrapServers());
        io.createTopics();
        io.produceFeatures(Synthetic.vectors("small", 1_500, 3, NOW.minusSeconds(600).toEpochMilli(), 300_000));
        String models = KafkaIo.TOPICS.names().models();
        io.produceRawTo(models, "small", "not a model".getBytes(StandardCharsets.UTF_8));
        io.produceRawTo(models, "small", new byte[] {(byte) 0xC3, 0x01, 1, 2});
        io.produceRawTo(models, "small", "{\"model\":\"small\",\"version\":99}".getBytes(StandardCharsets.UTF_8));
        io.produceRawTo(models, "small", null);

        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props(broker))) {
            assertEquals(1L, retrain(io, server, "small", "trust-1"));
            io.produceRawTo(models, "small", new byte[] {(byte) 0xC3, 0x01, 7, 7, 7, 7, 7, 7, 7, 7, 7});
            assertEquals(2L, retrain(io, server, "small", "trust-2"), "numbering continues past junk");
        }
        try (EmbeddedServer restarted = ApplicationContext.run(EmbeddedServer.class, props(broker))) {
            HttpResponse<String> list = HttpClient.newHttpClient().send(TestCredentials.admin(
                    URI.create("http://localhost:" + restarted.getPort() + "/models")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, list.statusCode());
            assertTrue(list.body().contains("\"latestVersion\":2"), list.body());
            assertEquals(3L, retrain(io, restarted, "small", "trust-3"));
        }
        assertEquals(List.of(1L, 2L, 3L), io.models("small").stream().map(m -> m.getVersion()).toList());

        List<ConsumerRecord<byte[], byte[]>> records = modelsTopic(broker);
        ModelsTopicDecoder codec = new ModelsTopicDecoder();
        Key key = ModelSigner.hmacKey(SECRET);
        int versions = 0;
        int retires = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            ModelsTopicDecoder.Decoded d;
            try {
                d = codec.decode(r.topic(), r.value());
            } catch (RuntimeException junk) {
                continue;
            }
            String k = new String(r.key(), StandardCharsets.UTF_8);
            if (d == null || !k.startsWith("small/")) {
                continue;
            }
            if (d.isVersion()) {
                versions++;
                assertEquals(ModelKeys.expectedKey(d.version()), k);
                assertEquals("k-it", new String(r.headers().lastHeader(ModelKeys.KEY_ID_HEADER).value(),
                        StandardCharsets.UTF_8));
                ModelSigner.verify(d.version(), key);
            } else {
                retires++;
                assertEquals(ModelControlAction.RETIRE, d.control().getAction());
                assertEquals(1L, d.control().getVersion(), "keep-versions=2: v3 retires v1");
                assertEquals("small/v1", k);
                assertEquals("k-it", d.control().getKeyId());
                ModelControls.verify(d.control(), key);
            }
        }
        assertEquals(3, versions);
        assertEquals(1, retires);
    }

    @Test
    void pinAndUnpinPublishSignedControlsVisibleInTheModelList(KafkaBroker broker) throws Exception {
        KafkaIo io = new KafkaIo(broker.bootstrapServers());
        io.createTopics();
        io.produceFeatures(Synthetic.vectors("pinned", 1_500, 3, NOW.minusSeconds(600).toEpochMilli(), 300_000));
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props(broker))) {
            long v = retrain(io, server, "pinned", "pin-1");
            retrain(io, server, "pinned", "pin-2");
            assertEquals(400, post(server, "/models/pinned/pin", "{}").statusCode());
            assertEquals(400, post(server, "/models/pinned/pin", "{\"version\":0}").statusCode());
            assertEquals(404, post(server, "/models/nope/pin", "{\"version\":1}").statusCode());
            HttpResponse<String> unknown = post(server, "/models/pinned/pin", "{\"version\":999}");
            assertEquals(404, unknown.statusCode());
            assertTrue(unknown.body().contains("no version 999"), unknown.body());

            HttpResponse<String> pinned = post(server, "/models/pinned/pin", "{\"version\":" + v
                    + ",\"reason\":\"bad drift\"}");
            assertEquals(200, pinned.statusCode(), pinned.body());
            assertTrue(pinned.body().contains("\"pinnedVersion\":" + v) && pinned.body().contains("\"keyId\":\"k-it\""),
                    pinned.body());
            String list = get(server, "/models");
            assertTrue(list.contains("\"pinnedVersion\":" + v), list);

            HttpResponse<String> unpinned = HttpClient.newHttpClient().send(TestCredentials.admin(
                    URI.create("http://localhost:" + server.getPort() + "/models/pinned/pin")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, unpinned.statusCode(), unpinned.body());
            String after = get(server, "/models");
            assertTrue(!after.contains("\"pinnedVersion\":" + v), after);
        }
        List<ModelControlAction> pins = new ArrayList<>();
        ModelsTopicDecoder codec = new ModelsTopicDecoder();
        for (ConsumerRecord<byte[], byte[]> r : modelsTopic(broker)) {
            String k = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
            if (k.startsWith("pinned/pin/")) {
                ModelControl c = codec.decode(r.topic(), r.value()).control();
                ModelControls.verify(c, ModelSigner.hmacKey(SECRET));
                assertEquals(ModelKeys.expectedKey(c), k);
                pins.add(c.getAction());
            }
        }
        assertEquals(List.of(ModelControlAction.PIN, ModelControlAction.UNPIN), pins);
    }

    private static List<ConsumerRecord<byte[], byte[]>> modelsTopic(KafkaBroker broker) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readToEnd(c, KafkaIo.TOPICS.names().models(), TopicReader.fromBeginning(), null,
                    Duration.ofSeconds(30), out::add);
        }
        return out;
    }

    private static HttpResponse<String> post(EmbeddedServer server, String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(TestCredentials.admin(URI.create("http://localhost:" + server.getPort()
                + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String get(EmbeddedServer server, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(TestCredentials.admin(
                URI.create("http://localhost:" + server.getPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    /** Requests a retrain over REST and returns the published version. */
    private static long retrain(KafkaIo io, EmbeddedServer server, String model, String id) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(TestCredentials.admin(
                URI.create("http://localhost:" + server.getPort() + "/models/" + model + "/retrain"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"requestId\":\"" + id + "\",\"window\":\"PT1H\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        List<TrainingStatus> s = io.awaitTerminal(id, Duration.ofMinutes(2));
        TrainingStatus last = s.get(s.size() - 1);
        assertEquals(TrainingState.SUCCEEDED, last.getState(), "statuses: " + s);
        return last.getPublishedVersion();
    }
}
