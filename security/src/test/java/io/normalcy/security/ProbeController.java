package io.normalcy.security;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.security.annotation.Secured;

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

    @Get("/forgotten")
    String forgotten() {
        return "should never be served while authentication is on";
    }
}
