package io.normalcy.detector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.detector.subscription.SubscriptionResource;
import io.normalcy.security.ApiError;
import io.normalcy.security.SecurityStartupCheck;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;

import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Authentication and roles on the running detector, over real HTTP against a real broker: anonymous callers get
 * 401 everywhere but the probes and the (default-open) metrics, the read key reads models and the alert stream but
 * may not touch subscriptions, the admin key and an admin JWT may, webhook header values never come back, and the
 * service refuses to start without credentials unless told to run open.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DetectorSecurityIT {
    private static final String READ = TestCredentials.HEADER;
    private static final String HOOK = """
            {"subscriberId": "%s", "delivery": {"webhookUrl": "https://hooks.example/x",
             "webhookHeaders": {"Authorization": "Bearer receiver-secret-42"}}}""";

    @Test
    void rolesDecideWhoMayReadAndWhoMayChange(KafkaBroker broker) throws Exception {
        String prefix = "auth";
        ApiIt.createAlertTopics(broker.bootstrapServers(), prefix);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(broker.bootstrapServers(), prefix))) {
            URL base = server.getURL();
            for (String[] route : new String[][] {{"GET", "/models"}, {"GET", "/alerts/stream"},
                    {"GET", "/subscriptions"}, {"GET", "/subscriptions/x"}, {"DELETE", "/subscriptions/x"}}) {
                assertEquals(401, ApiIt.send(base, route[0], route[1], null, new String[0]).status(), route[1]);
            }
            assertEquals(404, ApiIt.send(base, "GET", "/subscriptions/x", null).status(), "the admin key passes");
            ApiIt.Response anonymous = ApiIt.send(base, "POST", "/subscriptions", HOOK.formatted("anon"), new String[0]);
            assertEquals(401, anonymous.status());
            assertTrue(anonymous.json().get("message").toString().startsWith("authentication required for POST"),
                    "the detector's ApiError format: " + anonymous.body());

            assertEquals(200, ApiIt.send(base, "GET", "/models", null, READ, TestCredentials.READ_KEY).status());
            assertEquals(200, openStream(base, TestCredentials.READ_KEY), "the read key streams alerts");
            ApiIt.Response readPost = ApiIt.send(base, "POST", "/subscriptions", HOOK.formatted("r"), READ,
                    TestCredentials.READ_KEY);
            assertEquals(403, readPost.status(), readPost.body());
            assertTrue(readPost.body().contains("needs role admin") && readPost.body().contains("test-reader"),
                    readPost.body());
            assertEquals(403, ApiIt.send(base, "GET", "/subscriptions", null, READ, TestCredentials.READ_KEY).status(),
                    "subscriptions name targets: admin only");
            assertEquals(401, ApiIt.send(base, "GET", "/models", null, READ, "not-the-key-0123456789").status());

            assertEquals(201, ApiIt.send(base, "POST", "/subscriptions", HOOK.formatted("by-key"), READ,
                    TestCredentials.ADMIN_KEY).status());
            String admin = "Bearer " + TestCredentials.jwt("operator", List.of("admin"));
            String reader = "Bearer " + TestCredentials.jwt("dashboard", List.of("read"));
            assertEquals(201, ApiIt.send(base, "POST", "/subscriptions", HOOK.formatted("by-jwt"), "Authorization",
                    admin).status());
            assertEquals(403, ApiIt.send(base, "POST", "/subscriptions", HOOK.formatted("no"), "Authorization",
                    reader).status());
            assertEquals(200, ApiIt.send(base, "GET", "/models", null, "Authorization", reader).status());
            assertEquals(204, ApiIt.send(base, "DELETE", "/subscriptions/by-jwt", null, "Authorization", admin)
                    .status());
        }
    }

    @Test
    void webhookHeaderValuesAreWriteOnly(KafkaBroker broker) throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(broker.bootstrapServers(), "mask"))) {
            URL base = server.getURL();
            ApiIt.Response created = ApiIt.send(base, "POST", "/subscriptions", HOOK.formatted("hook"));
            ApiIt.Response one = ApiIt.send(base, "GET", "/subscriptions/hook", null);
            ApiIt.Response all = ApiIt.send(base, "GET", "/subscriptions", null);
            for (ApiIt.Response r : List.of(created, one, all)) {
                assertTrue(r.status() == 200 || r.status() == 201, r.body());
                assertFalse(r.body().contains("receiver-secret-42"), "header value returned: " + r.body());
            }
            Map<?, ?> delivery = (Map<?, ?>) one.json().get("delivery");
            assertEquals(Map.of("Authorization", SubscriptionResource.MASKED), delivery.get("webhookHeaders"));
        }
    }

    @Test
    void probesAndMetricsAreOpenAndHealthDetailsNeedACredential(KafkaBroker broker) throws Exception {
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(broker.bootstrapServers(), "probes"))) {
            URL base = server.getURL();
            assertEquals(200, ApiIt.send(base, "GET", "/health/liveness", null, new String[0]).status());
            ApiIt.Response readiness = ApiIt.send(base, "GET", "/health/readiness", null, new String[0]);
            assertTrue(readiness.status() == 200 || readiness.status() == 503, "answered, not refused: " + readiness);
            ApiIt.Response health = ApiIt.send(base, "GET", "/health", null, new String[0]);
            assertFalse(health.body().contains("details"), "anonymous: status only: " + health.body());
            assertTrue(ApiIt.send(base, "GET", "/health", null, READ, TestCredentials.READ_KEY).body()
                    .contains("\"detector\""), "details for the read key");
            assertEquals(200, ApiIt.send(base, "GET", "/prometheus", null, new String[0]).status());
        }
        var props = ApiIt.appProperties(broker.bootstrapServers(), "probes-protected");
        props.put("normalcy.security.protect-metrics", "true");
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, props)) {
            URL base = server.getURL();
            assertEquals(401, ApiIt.send(base, "GET", "/prometheus", null, new String[0]).status());
            assertEquals(200, ApiIt.send(base, "GET", "/prometheus", null, READ, TestCredentials.READ_KEY).status());
        }
    }

    @Test
    void theConsoleFilesArePublicButItsDataAndActionsAreNot(KafkaBroker broker) throws Exception {
        String prefix = "auth-console";
        ApiIt.createAlertTopics(broker.bootstrapServers(), prefix);
        try (EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class,
                ApiIt.appProperties(broker.bootstrapServers(), prefix))) {
            URL base = server.getURL();
            for (String file : new String[] {"/console/", "/console/index.html", "/console/app.js",
                    "/console/vendor/chart.js/chart.umd.min.js", "/console/vendor/fetch-event-source/index.js"}) {
                ApiIt.Response r = ApiIt.send(base, "GET", file, null, new String[0]);
                assertEquals(200, r.status(), file);
                assertTrue(r.headers().get("content-security-policy").get(0).contains("script-src 'self'"), file);
            }
            assertTrue(ApiIt.send(base, "GET", "/console/", null, new String[0]).body().contains("Normalcy console"));
            assertEquals(401, ApiIt.send(base, "GET", "/console/api/counts", null, new String[0]).status());
            assertEquals(401, ApiIt.send(base, "POST", "/models/m/retrain", null, new String[0]).status());
            assertEquals(404, ApiIt.send(base, "GET", "/console/api/other", null, new String[0]).status(),
                    "nothing else under /console/api (Micronaut Security answers 404 where no route or file matches)");

            ApiIt.Response counts = ApiIt.send(base, "GET", "/console/api/counts", null, READ, TestCredentials.READ_KEY);
            assertEquals(200, counts.status(), counts.body());
            assertTrue(counts.json().containsKey("deadLetters") && counts.json().containsKey("parked"), counts.body());
            ApiIt.Response readRetrain = ApiIt.send(base, "POST", "/models/m/retrain", null, READ,
                    TestCredentials.READ_KEY);
            assertEquals(403, readRetrain.status(), "a retrain costs a training run: admin only");
            ApiIt.Response unknown = ApiIt.send(base, "POST", "/models/m/retrain", null);
            assertEquals(404, unknown.status(), unknown.body());
            assertTrue(unknown.body().contains("no model 'm' is loaded"), unknown.body());
        }
    }

    @Test
    void withoutCredentialsTheDetectorDoesNotStartUnlessToldToRunOpen(KafkaBroker broker) throws Exception {
        var props = ApiIt.appProperties(broker.bootstrapServers(), "nocreds");
        // without the test environment (its application-test.yml holds the test credentials): as in production
        Exception e = assertThrows(Exception.class, () -> ApplicationContext.builder().deduceEnvironment(false)
                .properties(props).start().close());
        StringBuilder why = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            why.append(t.getMessage()).append('\n');
        }
        assertTrue(why.toString().contains("normalcy.security.api-keys: no credentials are configured")
                && why.toString().contains("normalcy.security.enabled=false"), why.toString());

        props.put("normalcy.security.enabled", "false");
        try (ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).properties(props).start()) {
            EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
            assertTrue(ctx.getBean(SecurityStartupCheck.class).open());
            ApiIt.Response open = ApiIt.send(server.getURL(), "GET", "/subscriptions", null, new String[0]);
            assertEquals(200, open.status(), "explicitly open: " + open.body());
        }
    }

    private static int openStream(URL base, String key) throws Exception {
        HttpResponse<InputStream> r = HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
                        URI.create(base + "/alerts/stream")).header("Accept", "text/event-stream")
                        .header(TestCredentials.HEADER, key).build(), HttpResponse.BodyHandlers.ofInputStream())
                .get(30, TimeUnit.SECONDS);
        r.body().close();
        return r.statusCode();
    }
}
