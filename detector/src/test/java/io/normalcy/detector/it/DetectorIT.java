package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.detector.api.TestCredentials;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * End to end through the running Micronaut application on a real (in-JVM KRaft) broker: 50,000 feature vectors
 * with 0.5% injected anomalies and a few undecodable records; a new model version and a corrupted one are
 * published mid-stream. Every input must be accounted for exactly once (scores + dead letters, read_committed),
 * anomalies must be caught at the critical level and the false-alarm rate must match the calibrated quantiles.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DetectorIT {
    private static final Logger LOG = LoggerFactory.getLogger(DetectorIT.class);
    private static final String MODEL = "it-model";
    private static final int N = 50_000;
    private static final double ANOMALY_RATE = 0.005;

    @Test
    void scoresEverythingOnceDetectsAnomaliesAndSwapsModelsLive(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("it1");
        Map<String, Object> props = ItSupport.appProperties(bootstrap, "it1", "detector-it");
        AvroSerde<FeatureVector> fvSerde = AvroSerde.of(FeatureVector.class);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ItSupport.producer(bootstrap)) {
            ApplicationContext ctx = server.getApplicationContext();
            ModelRegistry registry = ctx.getBean(ModelRegistry.class);
            ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 1, 1.0));
            waitFor(() -> registry.get(MODEL) != null, Duration.ofSeconds(60), "model v1 loaded");

            Random rng = new Random(20260302L);
            Set<Integer> anomalies = new HashSet<>();
            int bad = 0;
            long start = System.nanoTime();
            for (int i = 0; i < N; i++) {
                if (i == N / 2) {
                    producer.flush();
                    ItSupport.publishModel(producer, topics.models(), TestModels.standardNormal(MODEL, 2, 1.0));
                    ItSupport.publishModel(producer, topics.models(),
                            TestModels.tampered(TestModels.standardNormal(MODEL, 3, 1.0)));
                }
                if (i % 10_000 == 5_000) {
                    producer.send(new ProducerRecord<>(topics.inputs().get(0), "bad-" + i, new byte[] {1, 2, 3}));
                    bad++;
                    continue;
                }
                boolean anomaly = rng.nextDouble() < ANOMALY_RATE;
                if (anomaly) {
                    anomalies.add(i);
                }
                FeatureVector fv = ItSupport.event(MODEL, i, anomaly, rng);
                ProducerRecord<String, byte[]> in = new ProducerRecord<>(topics.inputs().get(0), fv.getEntity(),
                        fvSerde.serialize(topics.inputs().get(0), fv));
                in.headers().add("traceparent", traceparent(i).getBytes(StandardCharsets.UTF_8));
                producer.send(in);
            }
            producer.flush();

            List<ConsumerRecord<byte[], byte[]>> scoreRecords = new ArrayList<>();
            List<ConsumerRecord<byte[], byte[]>> dlqRecords = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> scores = ItSupport.committedReader(bootstrap, topics.scores());
                 KafkaConsumer<byte[], byte[]> dlq = ItSupport.committedReader(bootstrap, topics.dlq())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
                while (scoreRecords.size() + dlqRecords.size() < N && System.nanoTime() < deadline) {
                    scores.poll(Duration.ofMillis(200)).forEach(scoreRecords::add);
                    dlq.poll(Duration.ofMillis(10)).forEach(dlqRecords::add);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                LOG.info("{} records scored or dead-lettered in {} s: {} records/s", N, String.format("%.1f", seconds),
                        String.format("%.0f", N / seconds));
                // anything beyond N would be a duplicate: keep reading briefly
                scoreRecords.addAll(ItSupport.drain(scores, Duration.ofSeconds(2)));
                dlqRecords.addAll(ItSupport.drain(dlq, Duration.ofMillis(500)));
            }
            assertEquals(bad, dlqRecords.size(), "dead letters");
            assertEquals(N - bad, scoreRecords.size(), "scored records (exactly once)");

            AvroSerde<ScoredEvent> scoreSerde = AvroSerde.of(ScoredEvent.class);
            Map<Integer, ScoredEvent> byEvent = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> r : scoreRecords) {
                ScoredEvent s = scoreSerde.deserialize(topics.scores(), r.value());
                int i = Integer.parseInt(s.getEventId().substring(3));
                assertTrue(byEvent.put(i, s) == null, "duplicate score of event " + i);
                // the input's trace context travels with its score; terms only on flagged scores (the default)
                assertEquals(traceparent(i), header(r, "traceparent"), "traceparent of the score of event " + i);
                assertEquals(s.getSeverity() == Severity.NORMAL ? 0 : 3, s.getContributionTerms().size());
            }
            assertEquals(N - bad, byEvent.size());

            // hot swap: v2 serves the second half (the global thread had 10k records of time), v3 never serves
            for (Map.Entry<Integer, ScoredEvent> e : byEvent.entrySet()) {
                long v = e.getValue().getModelVersion();
                assertTrue(v == 1 || v == 2, "version " + v);
                if (e.getKey() >= N / 2 + 10_000) {
                    assertEquals(2L, v, "event " + e.getKey() + " scored with v" + v);
                }
            }
            assertEquals(2L, registry.get(MODEL).version());
            DetectorMetrics metrics = ctx.getBean(DetectorMetrics.class);
            assertEquals(1.0, metrics.count(DetectorMetrics.REJECTED, "model", MODEL, "reason", "invalid"));

            // detection quality, from the alerts topic
            List<ConsumerRecord<byte[], byte[]>> alertRecords;
            try (KafkaConsumer<byte[], byte[]> alerts = ItSupport.committedReader(bootstrap, topics.alerts())) {
                alertRecords = ItSupport.drain(alerts, Duration.ofSeconds(3));
            }
            AvroSerde<Alert> alertSerde = AvroSerde.of(Alert.class);
            int caught = 0;
            int falseWarnings = 0;
            int falseCriticals = 0;
            Set<String> alertIds = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r : alertRecords) {
                Alert a = alertSerde.deserialize(topics.alerts(), r.value());
                assertTrue(alertIds.add(a.getAlertId()), "duplicate alert " + a.getAlertId());
                int i = Integer.parseInt(a.getEventId().substring(3));
                assertEquals(traceparent(i), header(r, "traceparent"), "traceparent of the alert of event " + i);
                if (anomalies.contains(i)) {
                    caught += a.getSeverity() == Severity.CRITICAL ? 1 : 0;
                } else {
                    falseWarnings++;
                    falseCriticals += a.getSeverity() == Severity.CRITICAL ? 1 : 0;
                }
            }
            int normal = N - bad - anomalies.size();
            double detection = (double) caught / anomalies.size();
            double warningRate = (double) falseWarnings / normal;
            double criticalRate = (double) falseCriticals / normal;
            LOG.info("anomalies {} caught at CRITICAL {} ({}); false alarms: {} of {} normal = {} (level 0.01), "
                    + "critical {} = {} (level 0.001)", anomalies.size(), caught, detection, falseWarnings, normal,
                    warningRate, falseCriticals, criticalRate);
            assertTrue(detection >= 0.9, "detection rate " + detection);
            assertTrue(warningRate >= 0.005 && warningRate <= 0.02, "false-alarm rate " + warningRate);
            assertTrue(criticalRate >= 0.0005 && criticalRate <= 0.002, "critical false-alarm rate " + criticalRate);

            // operations endpoints
            HttpClient http = HttpClient.newHttpClient();
            String models = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/models"))
                            .header(TestCredentials.HEADER, TestCredentials.READ_KEY).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(models.contains("\"name\":\"" + MODEL + "\"") && models.contains("\"version\":2"), models);
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/health"))
                    .header(TestCredentials.HEADER, TestCredentials.READ_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            assertTrue(health.body().contains("RUNNING"), health.body());
            assertTrue(health.body().contains("\"consumers\"") && health.body().contains("\"subscriptionsView\""),
                    "the background consumers are reported: " + health.body());
            // metrics are open by default (normalcy.security.protect-metrics=false): no credential
            String prometheus = http.send(HttpRequest.newBuilder(URI.create(server.getURL() + "/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(prometheus.contains("normalcy_records_scored_total"), "prometheus metrics exported");
            // Kafka Streams' own metrics through Micrometer's binder: throughput, commit latency, consumer lag
            for (String kafkaMetric : List.of("kafka_stream_thread_process_rate", "kafka_stream_thread_commit_latency_avg",
                    "kafka_consumer_fetch_manager_records_lag")) {
                assertTrue(prometheus.contains(kafkaMetric), kafkaMetric + " exported");
            }
        }
    }

    /** A W3C traceparent naming event {@code i} (trace id and parent span derived from it). */
    private static String traceparent(int i) {
        return String.format("00-%032x-%016x-01", i + 1L, i + 1L);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
