package io.normalcy.trainer.it;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.flow.model.Evaluation;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Scorer;
import io.normalcy.flow.model.Severity;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.flow.state.ModelStateMapper;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on a real broker: 20k feature vectors in three contexts, a retrain request on the topic, a
 * model version on the models topic (trained in a child JVM, the service default), whose per-context warning
 * thresholds give an alert rate within [0.5×, 2×] of the level on fresh data from the same distribution.
 */
class TrainerIT {
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
        io.produceFeatures(Synthetic.vectors("payments", 20_000, 7, NOW.minusSeconds(3600).toEpochMilli(), 3_000_000));
        Map<String, Object> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", broker.bootstrapServers());
        p.put("micronaut.server.port", -1);
        p.put("normalcy.trainer.instance-id", "trainer-it");
        p.put("normalcy.trainer.artifact-dir", artifacts.toString());
        p.put("normalcy.trainer.isolation", "process");
        p.put("normalcy.trainer.child-jvm-options", List.of("-Xmx768m"));
        String m = "normalcy.trainer.models.payments.";
        p.put(m + "features", List.of("x1", "x2"));
        p.put(m + "categorical-context", List.of("region"));
        p.put(m + "blocks", 3);
        p.put(m + "hidden", List.of(32, 32));
        p.put(m + "epochs", 8);
        p.put(m + "patience", 3);
        p.put(m + "learning-rate", 0.003);
        p.put(m + "min-context-samples", 300);
        p.put(m + "calibration-fraction", 0.3);
        server = ApplicationContext.run(EmbeddedServer.class, p);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void retrainRequestPublishesACalibratedModel() throws Exception {
        long t0 = System.nanoTime();
        io.requestRetrain("it-r1", "payments", NOW.minusSeconds(7200), NOW.plusSeconds(60));
        List<TrainingStatus> statuses = io.awaitTerminal("it-r1", Duration.ofMinutes(3));
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<TrainingState> states = statuses.stream().map(TrainingStatus::getState).toList();
        TrainingStatus last = statuses.get(statuses.size() - 1);
        assertEquals(TrainingState.SUCCEEDED, last.getState(), "statuses: " + statuses);
        assertTrue(states.indexOf(TrainingState.RUNNING) >= 0 && states.indexOf(TrainingState.RUNNING) < states.size() - 1,
                "RUNNING before SUCCEEDED: " + states);
        assertTrue(statuses.stream().anyMatch(s -> s.getState() == TrainingState.RUNNING && s.getEpoch() != null
                && s.getEpoch() >= 1 && s.getValidationLoss() != null), "epoch progress reported: " + statuses);
        assertEquals(1L, last.getPublishedVersion());

        List<ModelVersion> models = io.models("payments");
        assertEquals(1, models.size());
        NormalcyModel model = ModelStateMapper.fromState(models.get(0));
        assertEquals(1, model.version());
        assertEquals(List.of("x1", "x2"), model.featureNames());
        assertEquals(20_000, models.get(0).getProvenance().getRecordCount());

        ThresholdLevel warning = model.thresholds().levels().get(0);
        assertEquals(0.01, warning.level());
        Scorer scorer = model.newScorer();
        Random rnd = new Random(12345);
        StringBuilder summary = new StringBuilder();
        for (int r = 0; r < 3; r++) {
            String region = Synthetic.REGIONS[r];
            assertTrue(!warning.forContext("region", region).fallback(), region + " has its own threshold");
            int n = 20_000;
            int alerts = 0;
            int critical = 0;
            for (int i = 0; i < n; i++) {
                FeatureVector v = Synthetic.vector("payments", rnd, r, NOW.toEpochMilli());
                double ld = scorer.score(v.getFeatures(), Map.of("region", region), Map.of(), NOW.toEpochMilli()).logDensity();
                Evaluation e = model.thresholds().evaluate(ld, Map.of("region", region));
                assertEquals("region=" + region, e.scope());
                if (e.severity() != Severity.NORMAL) {
                    alerts++;
                }
                if (e.severity() == Severity.CRITICAL) {
                    critical++;
                }
            }
            double rate = alerts / (double) n;
            summary.append(String.format("%s: warning-or-worse rate %.4f (level 0.01), critical rate %.4f (level 0.001), threshold %.3f; ",
                    region, rate, critical / (double) n, warning.forContext("region", region).threshold()));
            assertTrue(rate >= 0.005 && rate <= 0.02, region + " alert rate " + rate + " not within [0.5x, 2x] of 0.01");
        }
        System.out.println("TrainerIT: trained and published in " + String.format("%.1f", seconds) + " s; " + summary);

        // artifact, report and REST
        Path dir = artifacts.resolve("payments").resolve("v1");
        assertTrue(Files.isRegularFile(dir.resolve("model.avro")));
        assertTrue(Files.isRegularFile(dir.resolve("report.html")));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://localhost:" + server.getPort();
        HttpResponse<String> list = http.send(TestCredentials.reader(URI.create(base + "/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode());
        assertTrue(list.body().contains("\"payments\""), list.body());
        HttpResponse<String> one = http.send(TestCredentials.reader(URI.create(base + "/models/payments")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(one.body().contains("\"version\":1") && one.body().contains("\"perContext\""), one.body());
        HttpResponse<String> report = http.send(TestCredentials.reader(URI.create(base + "/models/payments/versions/1/report")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, report.statusCode());
        assertTrue(report.body().contains("<h2 id='thresholds'>") && report.body().contains("region=apac"));
        // metrics are open by default (normalcy.security.protect-metrics=false): no credential
        HttpResponse<String> prom = http.send(HttpRequest.newBuilder(URI.create(base + "/prometheus")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, prom.statusCode());
        assertTrue(prom.body().contains("normalcy_trainer_training_duration") && prom.body().contains("normalcy_trainer_validation_nll"), prom.body());
        HttpResponse<String> health = http.send(TestCredentials.reader(URI.create(base + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(health.body().contains("\"trainer\""), health.body());
        Files.copy(dir.resolve("report.html"), Path.of("target", "TrainerIT-report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        // issue 13: the next retrain warm-starts from the published v1 (warm-start defaults to true)
        io.requestRetrain("it-r2", "payments", NOW.minusSeconds(7200), NOW.plusSeconds(60));
        List<TrainingStatus> again = io.awaitTerminal("it-r2", Duration.ofMinutes(3));
        assertEquals(TrainingState.SUCCEEDED, again.get(again.size() - 1).getState(), "statuses: " + again);
        ModelVersion v2 = io.models("payments").stream().filter(mv -> mv.getVersion() == 2).findFirst().orElseThrow();
        assertEquals("from payments v1", v2.getProvenance().getConfig().get("warmStart"), v2.getProvenance().getConfig()
                .toString());
    }
}
