package io.normalcy.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.web.router.Router;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The audit sees the roles of each route, the open management endpoints, and a route without an annotation. */
class RouteAuditTest {
    @Test
    void listsEveryRouteWithItsAccess() {
        try (EmbeddedServer server = Http.start(Map.of("normalcy.security.api-keys.a.key", "a-0123456789abcdef",
                "normalcy.security.api-keys.a.roles", "admin"))) {
            List<RouteAudit.Entry> routes = RouteAudit.of(server.getApplicationContext().getBean(Router.class));
            List<String> shown = routes.stream().map(RouteAudit.Entry::toString).toList();
            assertEquals(List.of("GET /probe/forgotten -> NO @Secured", "HEAD /probe/forgotten -> NO @Secured"),
                    routes.stream().filter(e -> !e.declared()).map(RouteAudit.Entry::toString).toList(), shown.toString());
            assertEquals(true, shown.contains("GET /probe/read -> [admin, read]"), shown.toString());
            assertEquals(true, shown.contains("POST /probe/admin -> [admin]"), shown.toString());
            assertEquals(true, shown.stream().anyMatch(s -> s.startsWith("GET /health") && s.endsWith("endpoint health")),
                    shown.toString());
        }
    }
}
