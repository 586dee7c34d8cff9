package io.normalcy.trainer.it;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import io.normalcy.security.RouteAudit;
import io.normalcy.security.SecurityStartupCheck;
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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authentication, roles and bounded retrain overrides on the running trainer, over real HTTP and a real broker:
 * anonymous callers get 401 except on the probes, the read key reads but may not retrain, the admin key and an admin
 * JWT may, overrides above the model's configuration are refused (400 over REST, FAILED through the retrain topic),
 * every route states its roles, and the trainer refuses to start without credentials unless told to run open.
 */
class TrainerSecurityIT {
    @RegisterExtension
    static KafkaBrokerExtension kafka = KafkaBrokerExtension.perClass(BrokerOptions.defaults());

    @TempDir
    static Path artifacts;

    static EmbeddedServer server;
    static KafkaIo io;
    static Map<String, Object> props;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** A window without data: an admitted request fails quickly ("no valid records") instead of training. */
    static final String EMPTY_WINDOW = "\"windowStart\":\"2001-01-01T00:00:00Z\",\"windowEnd\":\"2001-01-02T00:00:00Z\"";

    @BeforeAll
    static void start(KafkaBroker broker) throws Exception {
        io = new KafkaIo(broker.bootstrapServers());
        io.createTopics();
        props = new HashMap<>();
        props.put("kafka.bootstrap.servers", broker.bootstrapServers());
        props.put("micronaut.server.port", -1);
        props.put("normalcy.trainer.instance-id", "trainer-security-it");
        props.put("normalcy.trainer.artifact-dir", artifacts.toString());
        props.put("normalcy.trainer.isolation", "in-process");
        String m = "normalcy.trainer.models.small.";
        props.put(m + "features", List.of("x1", "x2"));
        props.put(m + "blocks", 2);
        props.put(m + "hidden", List.of(16, 8));
        props.put(m + "epochs", 5);
        server = ApplicationContext.run(EmbeddedServer.class, props);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String json, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String[] key(String k) {
        return new String[] {TestCredentials.HEADER, k};
    }

    @Test
    void anonymousCallersAreTurnedAwayExceptByTheProbes() throws Exception {
        for (String[] route : new String[][] {{"GET", "/models"}, {"GET", "/models/small"},
                {"GET", "/models/small/versions/1/report"}, {"GET", "/models/small/requests/x"},
                {"POST", "/models/small/retrain"}}) {
            HttpResponse<String> r = send(route[0], route[1], route[0].equals("POST") ? "{}" : null);
            assertEquals(401, r.statusCode(), route[1]);
            assertTrue(r.body().startsWith("{\"message\":\"authentication required for " + route[0]), r.body());
        }
        assertEquals(200, send("GET", "/health/liveness", null).statusCode());
        HttpResponse<String> health = send("GET", "/health", null);
        assertFalse(health.body().contains("\"trainer\""), "anonymous: status only: " + health.body());
        assertTrue(send("GET", "/health", null, key(TestCredentials.READ_KEY)).body().contains("\"trainer\""));
    }

    @Test
    void theReadKeyReadsButOnlyAdminsRetrain() throws Exception {
        assertEquals(200, send("GET", "/models", null, key(TestCredentials.READ_KEY)).statusCode());
        assertEquals(200, send("GET", "/models/small", null, key(TestCredentials.READ_KEY)).statusCode());
        HttpResponse<String> forbidden = send("POST", "/models/small/retrain", "{}", key(TestCredentials.READ_KEY));
        assertEquals(403, forbidden.statusCode());
        assertTrue(forbidden.body().contains("needs role admin") && forbidden.body().contains("test-reader"),
                forbidden.body());

        HttpResponse<String> byKey = send("POST", "/models/small/retrain", "{\"requestId\":\"sec-key\"," + EMPTY_WINDOW
                + "}", key(TestCredentials.ADMIN_KEY));
        assertEquals(202, byKey.statusCode(), byKey.body());
        String admin = "Bearer " + TestCredentials.jwt("operator", List.of("admin"));
        String reader = "Bearer " + TestCredentials.jwt("dashboard", List.of("read"));
        HttpResponse<String> byJwt = send("POST", "/models/small/retrain", "{\"requestId\":\"sec-jwt\"," + EMPTY_WINDOW
                + "}", "Authorization", admin);
        assertEquals(202, byJwt.statusCode(), byJwt.body());
        assertEquals(403, send("POST", "/models/small/retrain", "{}", "Authorization", reader).statusCode());
        assertEquals(200, send("GET", "/models", null, "Authorization", reader).statusCode());
        assertEquals(401, send("GET", "/models", null, key("wrong-key-0123456789abcdef")).statusCode());
        io.awaitTerminal("sec-key", Duration.ofMinutes(1));
        io.awaitTerminal("sec-jwt", Duration.ofMinutes(1));
    }

    @Test
    void restOverridesMayNotExceedTheModelsConfiguration() throws Exception {
        Map<String, String> tooLarge = Map.of(
                "\"blocks\":\"64\"", "overrides.blocks: 64 exceeds the model's configured 2",
                "\"hidden\":\"4096,4096\"", "overrides.hidden: width 4096 exceeds the model's configured 16",
                "\"hidden\":\"8,8,8\"", "overrides.hidden: layers 3 exceeds the model's configured 2",
                "\"epochs\":\"500\"", "overrides.epochs: 500 exceeds the model's configured 5",
                "\"batch-size\":\"100000\"", "overrides.batch-size: 100000 exceeds the model's configured 256",
                "\"max-records\":\"5000000\"", "overrides.max-records: 5000000 exceeds the model's configured 1000000");
        for (Map.Entry<String, String> c : tooLarge.entrySet()) {
            HttpResponse<String> r = send("POST", "/models/small/retrain", "{\"overrides\":{" + c.getKey() + "}}",
                    key(TestCredentials.ADMIN_KEY));
            assertEquals(400, r.statusCode(), c.getKey() + ": " + r.body());
            assertTrue(r.body().contains(c.getValue()), r.body());
        }
        HttpResponse<String> smaller = send("POST", "/models/small/retrain", "{\"requestId\":\"sec-small\"," + EMPTY_WINDOW
                + ",\"overrides\":{\"blocks\":\"1\",\"hidden\":\"4\",\"epochs\":\"1\"}}", key(TestCredentials.ADMIN_KEY));
        assertEquals(202, smaller.statusCode(), "lowering is fine: " + smaller.body());
        io.awaitTerminal("sec-small", Duration.ofMinutes(1));
    }

    @Test
    void topicOverridesMayNotExceedTheModelsConfigurationEither() throws Exception {
        io.requestRetrain("sec-topic", "small", Instant.parse("2001-01-01T00:00:00Z"), Instant.parse("2001-01-02T00:00:00Z"),
                Map.of("blocks", "64", "hidden", "4096"));
        List<TrainingStatus> s = io.awaitTerminal("sec-topic", Duration.ofMinutes(1));
        TrainingStatus last = s.get(s.size() - 1);
        assertEquals(TrainingState.FAILED, last.getState(), "statuses: " + s);
        assertTrue(last.getMessage().contains("invalid override overrides.blocks: 64 exceeds the model's configured 2"),
                last.getMessage());
    }

    @Test
    void everyRouteStatesWhoMayCallIt() {
        List<RouteAudit.Entry> routes = RouteAudit.of(server.getApplicationContext().getBean(Router.class));
        assertEquals(List.of(), routes.stream().filter(e -> !e.declared()).map(Object::toString).toList(),
                "routes without a role: " + routes);
        Map<String, String> access = routes.stream().collect(Collectors.toMap(RouteAudit.Entry::route,
                e -> e.endpoint() != null ? "endpoint " + e.endpoint() : e.roles().toString(), (a, b) -> a));
        Map.of("GET /models", "[admin, read]", "GET /models/{name}", "[admin, read]",
                "GET /models/{name}/versions/{version}/report", "[admin, read]",
                "GET /models/{name}/requests/{requestId}", "[admin, read]",
                "POST /models/{name}/retrain", "[admin]",
                "POST /models/{name}/pin", "[admin]", "DELETE /models/{name}/pin", "[admin]",
                "GET /health/{selector}", "endpoint health", "GET /prometheus", "endpoint prometheus")
                .forEach((route, roles) -> assertEquals(roles, access.get(route), route + " in " + access));
    }

    @Test
    void withoutCredentialsTheTrainerDoesNotStartUnlessToldToRunOpen() throws Exception {
        Map<String, Object> p = new HashMap<>(props);
        p.put("normalcy.trainer.instance-id", "trainer-security-it-2");
        p.put("normalcy.trainer.retrain-listener", "false");
        // without the test environment (its application-test.yml holds the test credentials): as in production
        Exception e = assertThrows(Exception.class, () -> ApplicationContext.builder().deduceEnvironment(false)
                .properties(p).start().close());
        StringBuilder why = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            why.append(t.getMessage()).append('\n');
        }
        assertTrue(why.toString().contains("normalcy.security.api-keys: no credentials are configured")
                && why.toString().contains("normalcy.security.enabled=false"), why.toString());

        p.put("normalcy.security.enabled", "false");
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).properties(p).start()) {
            EmbeddedServer open = ctx.getBean(EmbeddedServer.class).start();
            assertTrue(ctx.getBean(SecurityStartupCheck.class).open());
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + open.getPort()
                    + "/models")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "explicitly open: " + r.body());
        }
    }
}
