package io.normalcy.trainer.it;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Requests that must fail cleanly (FAILED with a clear message, nothing published) and duplicate request ids
 * (trained once). In-process training: every failing case stops before training, and the one successful
 * training is tiny, so a child JVM would only add start-up time.
 */
class TrainerFailureIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    static Path artifacts;

    static EmbeddedServer server;
    static KafkaIo io;
    static final Instant NOW = Instant.now();

    @BeforeAll
    static void start(KafkaBroker broker) throws Exception {
        io = new KafkaIo(broker.bootstrapServers());
        io.createTopics();
        long t = NOW.minusSeconds(600).toEpochMilli();
        io.produceFeatures(Synthetic.vectors("small", 1_500, 3, t, 300_000));
        List<FeatureVector> broken = new ArrayList<>();
        for (FeatureVector v : Synthetic.vectors("broken", 300, 4, t, 300_000)) {
            Map<String, Double> f = new HashMap<>(v.getFeatures());
            if (broken.size() % 2 == 0) {
                f.remove("x2");
            } else {
                f.put("x2", Double.NaN);
            }
            broken.add(FeatureVector.newBuilder(v).setFeatures(f).build());
        }
        io.produceFeatures(broken);
        io.produceRaw("not a feature vector".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", broker.bootstrapServers());
        p.put("micronaut.server.port", -1);
        p.put("normalcy.trainer.instance-id", "trainer-failure-it");
        p.put("normalcy.trainer.artifact-dir", artifacts.toString());
        p.put("normalcy.trainer.isolation", "in-process");
        for (String model : List.of("small", "broken")) {
            String m = "normalcy.trainer.models." + model + ".";
            p.put(m + "features", List.of("x1", "x2"));
            p.put(m + "categorical-context", List.of("region"));
            p.put(m + "blocks", 1);
            p.put(m + "hidden", List.of(8));
            p.put(m + "epochs", 2);
            p.put(m + "min-context-samples", 100);
        }
        server = ApplicationContext.run(EmbeddedServer.class, p);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String failure(String requestId) throws InterruptedException {
        List<TrainingStatus> s = io.awaitTerminal(requestId, Duration.ofMinutes(1));
        TrainingStatus last = s.get(s.size() - 1);
        assertEquals(TrainingState.FAILED, last.getState(), "statuses: " + s);
        return last.getMessage();
    }

    @Test
    void unknownModelFails() throws Exception {
        io.requestRetrain("f-unknown", "nope", null, null);
        String msg = failure("f-unknown");
        assertTrue(msg.contains("unknown model 'nope'") && msg.contains("small"), msg);
        assertTrue(io.models("nope").isEmpty());
        HttpResponse<String> status = get("/models/nope/requests/f-unknown");
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("\"state\":\"FAILED\"") && status.body().contains("unknown model"),
                status.body());
    }

    @Test
    void emptyWindowFails() throws Exception {
        io.requestRetrain("f-empty", "small", Instant.parse("2001-01-01T00:00:00Z"), Instant.parse("2001-01-02T00:00:00Z"));
        String msg = failure("f-empty");
        assertTrue(msg.contains("no valid records for model 'small'") && msg.contains("2001-01-01T00:00:00Z"), msg);
    }

    @Test
    void restWindowTimesUseTheSharedParser() throws Exception {
        HttpResponse<String> r = post("/models/small/retrain",
                "{\"requestId\":\"f-rest-window\",\"windowStart\":\"2001-01-01 00:00:00\",\"windowEnd\":\"2001/01/02\"}");
        assertEquals(202, r.statusCode(), r.body());
        String msg = failure("f-rest-window");
        assertTrue(msg.contains("no valid records for model 'small'")
                && msg.contains("[2001-01-01T00:00:00Z, 2001-01-02T00:00:00Z)"), msg);
        HttpResponse<String> bad = post("/models/small/retrain", "{\"windowStart\":\"01/01/2001\"}");
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("windowStart is not an ISO-8601 date-time or epoch number: '01/01/2001'"),
                bad.body());
    }

    @Test
    void allInvalidDataFailsWithReasons() throws Exception {
        io.requestRetrain("f-broken", "broken", NOW.minusSeconds(3600), NOW.plusSeconds(60));
        String msg = failure("f-broken");
        assertTrue(msg.contains("no valid records for model 'broken'"), msg);
        assertTrue(msg.contains("MISSING_FEATURE=150") && msg.contains("NON_FINITE_FEATURE=150"), msg);
        assertTrue(io.models("broken").isEmpty());
    }

    @Test
    void invalidOverrideFailsNamingTheKey() throws Exception {
        HttpResponse<String> r = post("/models/small/retrain", "{\"overrides\":{\"epocs\":\"3\"}}");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("overrides.epocs: unknown key"), r.body());
        HttpResponse<String> unknown = post("/models/nope/retrain", "{}");
        assertEquals(404, unknown.statusCode());
    }

    @Test
    void duplicateRequestIdsTrainOnce() throws Exception {
        io.requestRetrain("dup-1", "small", NOW.minusSeconds(3600), NOW.plusSeconds(60));
        io.requestRetrain("dup-1", "small", NOW.minusSeconds(3600), NOW.plusSeconds(60));
        HttpResponse<String> viaRest = post("/models/small/retrain", "{\"requestId\":\"dup-1\",\"reason\":\"retry\"}");
        assertEquals(202, viaRest.statusCode());
        assertTrue(viaRest.body().contains("DUPLICATE"), viaRest.body());
        List<TrainingStatus> s = io.awaitTerminal("dup-1", Duration.ofMinutes(2));
        assertEquals(TrainingState.SUCCEEDED, s.get(s.size() - 1).getState(), "statuses: " + s);
        // a sentinel request for the same model, sent after the duplicates: a model's requests run in order, so once
        // it has finished, a wrongly admitted duplicate would have run before it (no fixed wait)
        io.requestRetrain("dup-1-sentinel", "small", NOW.minusSeconds(3600), NOW.plusSeconds(60));
        List<TrainingStatus> sentinel = io.awaitTerminal("dup-1-sentinel", Duration.ofMinutes(2));
        assertEquals(TrainingState.SUCCEEDED, sentinel.get(sentinel.size() - 1).getState(), "sentinel: " + sentinel);
        List<TrainingStatus> all = io.statuses("dup-1");
        assertEquals(1, all.stream().filter(x -> x.getState() == TrainingState.SUCCEEDED).count(), "statuses: " + all);
        assertEquals(1, all.stream().filter(x -> x.getState() == TrainingState.QUEUED).count(), "statuses: " + all);
        assertEquals(2, io.models("small").size(), "one version for dup-1, one for the sentinel");
        // the REST view of the same request: its latest status, under its own model only
        HttpResponse<String> status = get("/models/small/requests/dup-1");
        assertEquals(200, status.statusCode(), status.body());
        assertTrue(status.body().contains("\"state\":\"SUCCEEDED\""), status.body());
        assertTrue(status.body().contains("\"publishedVersion\":" + s.get(s.size() - 1).getPublishedVersion()),
                status.body());
        assertEquals(404, get("/models/small/requests/no-such-request").statusCode());
        assertEquals(404, get("/models/broken/requests/dup-1").statusCode());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(TestCredentials.reader(URI.create("http://localhost:" + server.getPort() + path))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String path, String json) throws Exception {
        return HttpClient.newHttpClient().send(TestCredentials.admin(URI.create("http://localhost:" + server.getPort() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
