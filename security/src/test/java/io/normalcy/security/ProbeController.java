package io.normalcy.security;

import io.micronaut.core.annotation.NonNull;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;

/** Routes of every kind the services have: read, admin, and one a developer forgot to annotate. */
@Controller("/probe")
class ProbeController {

    @Get("/read")
    @Secured({Roles.READ, Roles.ADMIN})
    String read() {
        return "read-ok";
    }

    @Post("/admin")
    @Secured(Roles.ADMIN)
    String admin() {
        return "admin-ok";
    }

    /** A route with a JSON body, for the framework's own errors (malformed JSON, a missing field). */
    @Post("/echo")
    @Secured(Roles.ADMIN)
    String echo(@Body Echo body) {
        return body.text();
    }

    @Serdeable
    record Echo(@NonNull String text) {
    }

    @Get("/forgotten")
    String forgotten() {
        return "should never be served while authentication is on";
    }
}
