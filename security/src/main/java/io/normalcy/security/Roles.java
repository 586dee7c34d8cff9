package io.normalcy.security;

import java.util.Set;

/**
 * The two roles of the HTTP APIs, in one place so that annotations, API-key configuration and JWT claims agree.
 * {@link #READ} may look (models, the alert stream, detailed health, protected metrics); {@link #ADMIN} may change
 * things (subscriptions, retrains, pins) and may also read: read endpoints are annotated
 * {@code @Secured({Roles.READ, Roles.ADMIN})} (Micronaut allows a request holding any listed role), admin endpoints
 * {@code @Secured(Roles.ADMIN)}. A JWT carries them in its {@code roles} claim, an API key in its {@code roles}.
 */
public final class Roles {
    public static final String READ = "read";
    public static final String ADMIN = "admin";

    /** Every role a credential may hold. */
    public static final Set<String> ALL = Set.of(READ, ADMIN);

    private Roles() {
    }

    /** Whether these roles may use a read endpoint. */
    public static boolean canRead(java.util.Collection<String> roles) {
        return roles.contains(READ) || roles.contains(ADMIN);
    }
}
