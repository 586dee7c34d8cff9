package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.Promtool;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The detector's real {@code /prometheus} scrape, judged by Prometheus' own {@code promtool check metrics} (help
 * text on every metric, naming and units) after the running application scored, alerted, dead-lettered, parked,
 * rejected a model and requested a drift retrain, so the meters that only appear on first use are in the scrape too.
 * It also holds the scrape to the list of sample names the shipped dashboards and alert rules query
 * ({@value #QUERIED}; the deploy module checks every query against that list), so a renamed meter breaks this test
 * instead of a dashboard. promtool comes from Debian's {@code prometheus} package: {@code .ci/run} installs it, so CI
 * always runs the check; a machine without it skips the test with that message (JUnit assumption), never passes it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MetricsExpositionIT {
    /** Sample names of the detector that deploy/grafana dashboards and deploy/prometheus rules use (repo-relative). */
    static final String QUERIED = "deploy/src/test/resources/metrics/detector.txt";
    private static final String MODEL = "metrics-model";
    /** Kafka's records-lag of each assigned partition (tags topic, partition). */
    private static final String PARTITION_LAG = "kafka_consumer_fetch_manager_records_lag";

    @Test
    void everyExportedMetricPassesPromtoolAndCoversWhatDashboardsQuery(KafkaBroker broker) throws Exception {
        Promtool.assumeInstalled();
        String bootstrap = broker.bootstrapServers();
        var topics = ItSupport.topics("mx");
        Map<String, Object> props = ItSupport.appProperties(bootstrap, "mx", "detector-metrics-it");
        // a tiny drift window, so a burst of anomalies requests a retrain (normalcy_retrain_requested_total)
        props.put("normalcy.detector.drift.window-size", "20");
        props.put("normalcy.detector.drift.min-records", "20");
        AvroSerde<FeatureVector> serde = AvroSerde.of(FeatureVector.class);
        String input = topics.inputs().get(0);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            DetectorMetrics metrics = server.getApplicationContext().getBean(DetectorMetrics.class);
            ModelRegistry registry = server.getApplicationContext().getBean(ModelRegistry.class);
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
            ItSupport.publishModel(producer, topics.models(), TestModels.tampered(TestModels.standardNormal(MODEL, 2, 1.0)));
            DetectorIT.waitFor(() -> registry.get(MODEL) != null, Duration.ofSeconds(60), "model v1 loaded");
            Random rng = new Random(7);
            for (int i = 0; i < 200; i++) {
                FeatureVector fv = ItSupport.event(MODEL, i, i >= 100, rng);
                producer.send(new ProducerRecord<>(input, fv.getEntity(), serde.serialize(input, fv)));
            }
            FeatureVector unknown = ItSupport.event("no-such-model", 0, false, rng);
            producer.send(new ProducerRecord<>(input, unknown.getEntity(), serde.serialize(input, unknown)));
            producer.send(new ProducerRecord<>(input, "junk", new byte[] {1, 2, 3}));
            producer.flush();
            DetectorIT.waitFor(() -> metrics.total(DetectorMetrics.SCORED) >= 200 && metrics.total(DetectorMetrics.DLQ) >= 1
                    && metrics.total(DetectorMetrics.PARKED) >= 1 && metrics.total(DetectorMetrics.RETRAIN) >= 1
                    && metrics.total(DetectorMetrics.REJECTED) >= 1, Duration.ofSeconds(90),
                    "scores, a dead letter, a parked record, a retrain request and a rejected model");

            // Micrometer's Kafka binder registers metrics Kafka creates later (the per-partition lag, once partitions
            // are assigned and fetched) on its next refresh, every 60 s: wait for them rather than miss them
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create(server.getURL() + "/prometheus")).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            HttpResponse<String> scrape = http.send(get, HttpResponse.BodyHandlers.ofString());
            while (!scrape.body().contains(PARTITION_LAG + "{") && System.nanoTime() < deadline) {
                Thread.sleep(1_000);
                scrape = http.send(get, HttpResponse.BodyHandlers.ofString());
            }
            assertEquals(200, scrape.statusCode());
            Path saved = Path.of("target", "metrics", "detector.prom");
            Files.createDirectories(saved.getParent());
            Files.writeString(saved, scrape.body());
            Promtool.checkMetrics(scrape.body()).assertCleanExceptForeignNaming(
                    "the detector's /prometheus (saved in " + saved + ")", "normalcy_");

            Set<String> missing = new TreeSet<>(queried());
            missing.removeAll(sampleNames(scrape.body()));
            assertTrue(missing.isEmpty(), "queried by the dashboards or alert rules (" + QUERIED + ") but not exported: "
                    + missing);
        }
    }

    /** Names of the samples in a text exposition (the part of each line before '{' or ' '). */
    static Set<String> sampleNames(String exposition) {
        return exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    static List<String> queried() throws Exception {
        Path list = Path.of("..").resolve(QUERIED);
        return Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }
}
