package io.normalcy.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.runtime.server.EmbeddedServer;

import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Over real HTTP, with the services' security configuration: who may call a read route, an admin route, a route
 * nobody annotated, and the health endpoint, with API keys (plain and SHA-256 configured) and HS256 JWTs.
 */
class AuthenticationTest {
    static final String READ_KEY = "read-key-0123456789abcdef";
    static final String ADMIN_KEY = "admin-key-0123456789abcdef";
    static final String HASHED_KEY = "hashed-key-0123456789abcdef";
    static final String JWT_SECRET = "jwt-secret-0123456789abcdef0123456789";

    static EmbeddedServer server;

    @BeforeAll
    static void start() {
        Map<String, Object> p = new HashMap<>();
        p.put("normalcy.security.api-keys.reader.key", READ_KEY);
        p.put("normalcy.security.api-keys.reader.roles", List.of("read"));
        p.put("normalcy.security.api-keys.ops.key", ADMIN_KEY);
        p.put("normalcy.security.api-keys.ops.roles", "admin");
        p.put("normalcy.security.api-keys.ci.key-sha256", ApiKey.hex(ApiKey.digest(HASHED_KEY)));
        p.put("normalcy.security.api-keys.ci.roles", "read,admin");
        p.put("micronaut.security.token.jwt.signatures.secret.idp.secret", JWT_SECRET);
        server = Http.start(p);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anonymousCallersGet401WithAJsonReasonAndAChallenge() throws Exception {
        for (String[] route : new String[][] {{"GET", "/probe/read"}, {"POST", "/probe/admin"}}) {
            HttpResponse<String> r = Http.send(server, route[0], route[1]);
            assertEquals(401, r.statusCode(), route[1]);
            assertTrue(r.body().contains("\"message\":\"authentication required for " + route[0] + " " + route[1]),
                    r.body());
            assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").contains("X-API-Key"), r.headers().toString());
        }
    }

    @Test
    void aWrongKeyOrTokenIs401AndNotEchoed() throws Exception {
        HttpResponse<String> key = Http.send(server, "GET", "/probe/read", "X-API-Key", "not-a-configured-key-123");
        assertEquals(401, key.statusCode());
        assertTrue(key.body().contains("was not accepted") && !key.body().contains("not-a-configured-key"), key.body());
        String forged = Http.jwt("another-secret-0123456789abcdef0123456789", "mallory", List.of("admin"));
        assertEquals(401, Http.send(server, "POST", "/probe/admin", "Authorization", "Bearer " + forged).statusCode());
    }

    @Test
    void theReadKeyReadsButIsForbiddenToChange() throws Exception {
        HttpResponse<String> read = Http.send(server, "GET", "/probe/read", "X-API-Key", READ_KEY);
        assertEquals(200, read.statusCode(), read.body());
        assertEquals("read-ok", read.body());
        HttpResponse<String> admin = Http.send(server, "POST", "/probe/admin", "X-API-Key", READ_KEY);
        assertEquals(403, admin.statusCode());
        assertTrue(admin.body().contains("needs role admin") && admin.body().contains("'reader' (roles [read])"),
                admin.body());
    }

    @Test
    void theAdminKeyMayDoBothAndSoMayAKeyConfiguredByItsDigest() throws Exception {
        for (String key : List.of(ADMIN_KEY, HASHED_KEY)) {
            assertEquals(200, Http.send(server, "GET", "/probe/read", "X-API-Key", key).statusCode(), "admin reads");
            assertEquals(200, Http.send(server, "POST", "/probe/admin", "X-API-Key", key).statusCode());
        }
    }

    @Test
    void jwtRolesComeFromTheRolesClaim() throws Exception {
        String reader = "Bearer " + Http.jwt(JWT_SECRET, "dashboard", List.of("read"));
        String admin = "Bearer " + Http.jwt(JWT_SECRET, "operator", List.of("admin"));
        String none = "Bearer " + Http.jwt(JWT_SECRET, "nobody", List.of());
        assertEquals(200, Http.send(server, "GET", "/probe/read", "Authorization", reader).statusCode());
        HttpResponse<String> forbidden = Http.send(server, "POST", "/probe/admin", "Authorization", reader);
        assertEquals(403, forbidden.statusCode());
        assertTrue(forbidden.body().contains("'dashboard'"), forbidden.body());
        assertEquals(200, Http.send(server, "POST", "/probe/admin", "Authorization", admin).statusCode());
        assertEquals(200, Http.send(server, "GET", "/probe/read", "Authorization", admin).statusCode());
        assertEquals(403, Http.send(server, "GET", "/probe/read", "Authorization", none).statusCode());
    }

    @Test
    void aRouteNobodyAnnotatedIsClosedEvenToAdmins() throws Exception {
        assertEquals(401, Http.send(server, "GET", "/probe/forgotten").statusCode());
        HttpResponse<String> admin = Http.send(server, "GET", "/probe/forgotten", "X-API-Key", ADMIN_KEY);
        assertEquals(403, admin.statusCode());
        assertTrue(admin.body().contains("is not open to any role"), admin.body());
    }

    @Test
    void probesAreOpenAndHealthDetailsNeedACredential() throws Exception {
        assertEquals(200, Http.send(server, "GET", "/health/liveness").statusCode());
        assertEquals(200, Http.send(server, "GET", "/health/readiness").statusCode());
        HttpResponse<String> anonymous = Http.send(server, "GET", "/health");
        assertEquals(200, anonymous.statusCode());
        assertFalse(anonymous.body().contains("details"), anonymous.body());
        HttpResponse<String> reader = Http.send(server, "GET", "/health", "X-API-Key", READ_KEY);
        assertTrue(reader.body().contains("details"), reader.body());
    }

    @Test
    void onlyHealthAmongTheManagementEndpointsIsServed() throws Exception {
        for (String path : List.of("/beans", "/refresh", "/routes", "/env", "/loggers", "/threaddump", "/info")) {
            int status = Http.send(server, "GET", path, "X-API-Key", ADMIN_KEY).statusCode();
            HttpResponse<String> r = Http.send(server, "GET", path, "X-API-Key", ADMIN_KEY);
            assertTrue(status == 404 || status == 403, path + " → " + status + " " + r.body());
        }
    }

    @Test
    void frameworkErrorsHaveTheServicesErrorShape() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest malformed = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(server.getURL() + "/probe/echo"))
                .header("X-API-Key", ADMIN_KEY).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\": ")).build();
        HttpResponse<String> r = client.send(malformed, HttpResponse.BodyHandlers.ofString());
        assertEquals(400, r.statusCode(), r.body());
        assertTrue(r.body().startsWith("{\"message\":") && r.body().contains("\"errors\":["), r.body());
        assertFalse(r.body().contains("_links") || r.body().contains("_embedded"), "not Micronaut's JsonError: "
                + r.body());
    }
}
