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
 * for admin only, as are retrain requests (each costs a training run).
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
            Map<String, String> expected = Map.ofEntries(
                    Map.entry("GET /models", "[admin, read]"),
                    Map.entry("GET /alerts/stream", "[admin, read]"),
                    Map.entry("POST /subscriptions", "[admin]"),
                    Map.entry("GET /subscriptions", "[admin]"),
                    Map.entry("GET /subscriptions/{id}", "[admin]"),
                    Map.entry("DELETE /subscriptions/{id}", "[admin]"),
                    Map.entry("POST /models/{name}/retrain", "[admin]"),
                    Map.entry("GET /console/api/counts", "[admin, read]"),
                    Map.entry("GET /health", "endpoint health"),
                    Map.entry("GET /health/{selector}", "endpoint health"),
                    Map.entry("GET /prometheus", "endpoint prometheus"));
            expected.forEach((route, roles) -> assertEquals(roles, access.get(route), route + " in " + access));
            assertTrue(routes.stream().allMatch(e -> e.endpoint() == null
                    || RouteAudit.OPEN_ENDPOINTS.contains(e.endpoint())), "only health and prometheus are served: " + routes);
        }
    }
}
