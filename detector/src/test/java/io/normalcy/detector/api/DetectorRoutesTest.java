package io.normalcy.detector.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.web.router.Router;
import io.normalcy.detector.runtime.StreamsLifecycle;
import io.normalcy.security.RouteAudit;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every route of the detector states who may call it: a new endpoint without {@code @Secured} fails here (it would
 * answer 403 to everyone at run time). Also pins the roles of today's routes: reads for read or admin, subscriptions
 * for admin only.
 */
class DetectorRoutesTest {

    @Test
    void everyRouteIsSecuredOrAnIntentionallyOpenEndpoint() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(StreamsLifecycle.AUTOSTART, "false",
                "micronaut.server.port", "-1"))) {
            List<RouteAudit.Entry> routes = RouteAudit.of(ctx.getBean(Router.class));
            Map<String, String> access = routes.stream().collect(Collectors.toMap(RouteAudit.Entry::route,
                    e -> e.endpoint() != null ? "endpoint " + e.endpoint() : e.roles().toString(), (a, b) -> a));
            assertEquals(List.of(), routes.stream().filter(e -> !e.declared()).map(Object::toString).toList(),
                    "routes without a role: " + routes);
            Map<String, String> expected = Map.of(
                    "GET /models", "[admin, read]",
                    "GET /alerts/stream", "[admin, read]",
                    "POST /subscriptions", "[admin]",
                    "GET /subscriptions", "[admin]",
                    "GET /subscriptions/{id}", "[admin]",
                    "DELETE /subscriptions/{id}", "[admin]",
                    "GET /health", "endpoint health",
                    "GET /health/{selector}", "endpoint health",
                    "GET /prometheus", "endpoint prometheus");
            expected.forEach((route, roles) -> assertEquals(roles, access.get(route), route + " in " + access));
            assertTrue(routes.stream().allMatch(e -> e.endpoint() == null
                    || RouteAudit.OPEN_ENDPOINTS.contains(e.endpoint())), "only health and prometheus are served: " + routes);
        }
    }
}
