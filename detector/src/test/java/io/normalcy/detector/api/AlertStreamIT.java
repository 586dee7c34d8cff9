package io.normalcy.detector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.Severity;
import io.normalcy.detector.delivery.AlertBroadcaster;
import io.normalcy.detector.delivery.TestAlerts;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code GET /alerts/stream} on the running application: a client connected with a filter receives, as SSE
 * {@code data} JSON, exactly the live alerts matching it, plus keep-alive comments; an invalid filter is a 400
 * naming the query parameter.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AlertStreamIT {

    @Test
    void streamsOnlyMatchingLiveAlerts(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        String prefix = "sse";
        TopicNames topics = ApiIt.topics(prefix);
        ApiIt.createAlertTopics(bootstrap, prefix);
        Map<String, Object> props = ApiIt.appProperties(bootstrap, prefix);
        props.put("normalcy.detector.delivery.stream-keep-alive", "300ms");
        props.put("normalcy.detector.delivery.enabled", "false");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props);
             KafkaProducer<String, byte[]> producer = ApiIt.producer(bootstrap)) {
            URL base = server.getURL();
            AlertBroadcaster broadcaster = server.getApplicationContext().getBean(AlertBroadcaster.class);
            // produced before anyone listens: a live stream must not replay it
            ApiIt.produceAlerts(producer, topics.alerts(),
                    List.of(TestAlerts.alert("old", "A", "card-0", Severity.CRITICAL)));
            ApiIt.waitFor(broadcaster::isReady, Duration.ofSeconds(30), "alert stream consumer positioned");

            ApiIt.Response bad = ApiIt.send(base, "GET", "/alerts/stream?entity=card-(", null);
            assertEquals(400, bad.status(), bad.body());
            assertTrue(bad.body().contains("\"field\":\"entity\""), bad.body());

            HttpResponse<InputStream> resp = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                    URI.create(base + "/alerts/stream?model=A&minSeverity=CRITICAL&entity=card-.*"))
                    .header("Accept", "text/event-stream").header(TestCredentials.HEADER, TestCredentials.READ_KEY).build(),
                    HttpResponse.BodyHandlers.ofInputStream())
                    .get(30, TimeUnit.SECONDS);
            assertEquals(200, resp.statusCode());
            assertTrue(resp.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(resp.body(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (Exception e) {
                    // connection closed at the end of the test
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
            ApiIt.waitFor(() -> lines.stream().anyMatch(l -> l.startsWith(":") && l.contains("connected")),
                    Duration.ofSeconds(30), "the stream's opening comment");
            ApiIt.waitFor(() -> broadcaster.subscriberCount() >= 1, Duration.ofSeconds(10), "client subscribed");

            ApiIt.produceAlerts(producer, topics.alerts(), List.of(
                    TestAlerts.alert("match-1", "A", "card-1", Severity.CRITICAL),
                    TestAlerts.alert("warn", "A", "card-2", Severity.WARNING),
                    TestAlerts.alert("other-model", "B", "card-3", Severity.CRITICAL),
                    TestAlerts.alert("other-entity", "A", "acct-4", Severity.CRITICAL),
                    TestAlerts.alert("match-2", "A", "card-5", Severity.CRITICAL)));
            // same partition, in order: once match-2 is there, every other alert has been filtered
            ApiIt.waitFor(() -> dataIds(lines).contains("match-2"), Duration.ofSeconds(30), "match-2 streamed");
            assertEquals(List.of("match-1", "match-2"), dataIds(lines));
            assertTrue(lines.contains("id: match-1") || lines.contains("id:match-1"), String.valueOf(lines));
            ApiIt.waitFor(() -> lines.stream().anyMatch(l -> l.startsWith(":") && l.contains("keep-alive")),
                    Duration.ofSeconds(10), "a keep-alive comment");
            resp.body().close();
        }
    }

    private static List<String> dataIds(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("data:")).map(l -> {
            try {
                Map<String, Object> m = ApiIt.JSON.readValue(l.substring(5).trim(),
                        Argument.mapOf(String.class, Object.class));
                return (String) m.get("alertId");
            } catch (Exception e) {
                throw new AssertionError("SSE data is not JSON: " + l, e);
            }
        }).toList();
    }
}
