package io.normalcy.trainer.it;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.testkit.BrokerOptions;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.Promtool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The trainer's real {@code /prometheus} scrape, judged by Prometheus' own {@code promtool check metrics} (help text on
 * every metric, naming and units) after one training succeeded and one failed, with a skipped input record, so the
 * meters that appear on first use are in the scrape too. It also holds the scrape to the list of sample names the
 * shipped dashboards and alert rules query ({@value #QUERIED}; the deploy module checks every query against that list).
 * promtool comes from Debian's {@code prometheus} package: {@code .ci/run} installs it, so CI always runs the check;
 * a machine without it skips the test with that message (JUnit assumption), never passes it.
 */
class MetricsExpositionIT {
    /** Sample names of the trainer that deploy/grafana dashboards and deploy/prometheus rules use (repo-relative). */
    static final String QUERIED = "deploy/src/test/resources/metrics/trainer.txt";

    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    static Path artifacts;

    @Test
    void everyExportedMetricPassesPromtoolAndCoversWhatDashboardsQuery(KafkaBroker broker) throws Exception {
        Promtool.assumeInstalled();
        KafkaIo io = new KafkaIo(broker.bootstrapServers());
        io.createTopics();
        Instant now = Instant.now();
        io.produceFeatures(Synthetic.vectors("small", 1_000, 3, now.minusSeconds(600).toEpochMilli(), 300_000));
        io.produceRaw("not a feature vector".getBytes(StandardCharsets.UTF_8));
        Map<String, Object> p = new HashMap<>();
        p.put("kafka.bootstrap.servers", broker.bootstrapServers());
        p.put("micronaut.server.port", -1);
        p.put("normalcy.trainer.instance-id", "trainer-metrics-it");
        p.put("normalcy.trainer.artifact-dir", artifacts.toString());
        p.put("normalcy.trainer.isolation", "in-process");
        String m = "normalcy.trainer.models.small.";
        p.put(m + "features", List.of("x1", "x2"));
        p.put(m + "categorical-context", List.of("region"));
        p.put(m + "blocks", 1);
        p.put(m + "hidden", List.of(8));
        p.put(m + "epochs", 1);
        p.put(m + "min-context-samples", 100);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, p)) {
            io.requestRetrain("mx-ok", "small", now.minusSeconds(3600), now.plusSeconds(60));
            assertEquals(TrainingState.SUCCEEDED, last(io.awaitTerminal("mx-ok", Duration.ofMinutes(2))));
            io.requestRetrain("mx-empty", "small", Instant.parse("2001-01-01T00:00:00Z"),
                    Instant.parse("2001-01-02T00:00:00Z"));
            assertEquals(TrainingState.FAILED, last(io.awaitTerminal("mx-empty", Duration.ofMinutes(1))));

            HttpClient http = HttpClient.newHttpClient();
            HttpRequest get = HttpRequest.newBuilder(URI.create("http://localhost:" + server.getPort() + "/prometheus"))
                    .build();
            // a first request registers the HTTP server's own timer, so the checked scrape has it too
            http.send(get, HttpResponse.BodyHandlers.discarding());
            HttpResponse<String> scrape = http.send(get, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, scrape.statusCode());
            Path saved = Path.of("target", "metrics", "trainer.prom");
            Files.createDirectories(saved.getParent());
            Files.writeString(saved, scrape.body());
            Promtool.checkMetrics(scrape.body()).assertCleanExceptForeignNaming(
                    "the trainer's /prometheus (saved in " + saved + ")", "normalcy_");

            Set<String> missing = new TreeSet<>(queried());
            missing.removeAll(sampleNames(scrape.body()));
            assertTrue(missing.isEmpty(), "queried by the dashboards or alert rules (" + QUERIED + ") but not exported: "
                    + missing);
        }
    }

    private static TrainingState last(List<TrainingStatus> statuses) {
        return statuses.get(statuses.size() - 1).getState();
    }

    /** Names of the samples in a text exposition (the part of each line before '{' or ' '). */
    static Set<String> sampleNames(String exposition) {
        return exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toCollection(TreeSet::new));
    }

    static List<String> queried() throws Exception {
        return Files.readAllLines(Path.of("..").resolve(QUERIED)).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
}
