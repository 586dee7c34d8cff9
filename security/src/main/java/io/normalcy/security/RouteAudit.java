package io.normalcy.security;

import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.security.annotation.Secured;
import io.micronaut.web.router.Router;
import io.micronaut.web.router.UriRouteInfo;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every HTTP route of a service with who may call it, for the services' tests: each route must name its roles
 * with {@link Secured} (from {@link Roles}) or be a management endpoint that is open on purpose. Micronaut Security
 * refuses a route no rule allows, so a forgotten annotation fails closed; this audit makes it fail a test too,
 * before anyone wonders why a new endpoint answers 403.
 */
public final class RouteAudit {
    /** Management endpoints that are open to anonymous callers (probes, scrapers). */
    public static final Set<String> OPEN_ENDPOINTS = Set.of("health", "prometheus");

    /**
     * One route.
     *
     * @param route    e.g. {@code POST /subscriptions}
     * @param roles    the {@link Secured} values, empty when absent
     * @param endpoint the management endpoint id, or null for a controller
     */
    public record Entry(String route, Set<String> roles, String endpoint) {
        /** Whether the route states its access: only known roles, or an intentionally open endpoint. */
        public boolean declared() {
            return endpoint != null ? OPEN_ENDPOINTS.contains(endpoint)
                    : !roles.isEmpty() && Roles.ALL.containsAll(roles);
        }

        @Override
        public String toString() {
            return route + " -> " + (endpoint != null ? "endpoint " + endpoint : roles.isEmpty() ? "NO @Secured" : roles);
        }
    }

    private RouteAudit() {
    }

    public static List<Entry> of(Router router) {
        return router.uriRoutes().map(RouteAudit::entry).distinct().sorted(Comparator.comparing(Entry::route)).toList();
    }

    private static Entry entry(UriRouteInfo<?, ?> r) {
        AnnotationMetadata m = r.getTargetMethod().getAnnotationMetadata();
        String route = r.getHttpMethodName() + " " + r.getUriMatchTemplate().toPathString();
        Set<String> roles = new TreeSet<>(List.of(m.stringValues(Secured.class)));
        String endpoint = m.hasStereotype(Endpoint.class)
                ? m.stringValue(Endpoint.class, "id").or(() -> m.stringValue(Endpoint.class)).orElse("?") : null;
        return new Entry(route, roles, endpoint);
    }
}
