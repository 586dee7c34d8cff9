package io.normalcy.detector.console;

import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;

/**
 * Security headers of the web console's pages: a Content-Security-Policy that allows only the console's own files
 * and calls to this detector (no inline scripts, no third-party hosts, no framing), so a value in an alert (entity,
 * attributes, which come from producers) that slipped into the page as markup could still run nothing. The console
 * writes every value as text ({@code textContent}), this is the second line.
 */
@ServerFilter("/console/**")
public class ConsoleHeaders {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    @ResponseFilter
    public void headers(MutableHttpResponse<?> response) {
        response.header("Content-Security-Policy", CSP);
        response.header("X-Content-Type-Options", "nosniff");
        response.header("Referrer-Policy", "no-referrer");
    }
}
