package io.normalcy.trainer.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.normalcy.security.ApiKeyTokenReader;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;

/**
 * The credentials src/test/resources/application-test.yml configures for every test context, and requests that
 * present them: the one place the trainer's tests get their API keys and JWTs from.
 */
final class TestCredentials {
    static final String HEADER = ApiKeyTokenReader.HEADER;
    static final String READ_KEY = "test-read-key-0123456789abcdef";
    static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
    private static final String JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789";

    private TestCredentials() {
    }

    /** A request with the read key (GET /models, reports, request statuses). */
    static HttpRequest.Builder reader(URI uri) {
        return HttpRequest.newBuilder(uri).header(HEADER, READ_KEY);
    }

    /** A request with the admin key (retrain). */
    static HttpRequest.Builder admin(URI uri) {
        return HttpRequest.newBuilder(uri).header(HEADER, ADMIN_KEY);
    }

    /** An HS256 JWT signed with the test secret, with these roles in its {@code roles} claim, valid for a minute. */
    static String jwt(String subject, List<String> roles) throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).claim("roles", roles).issueTime(new Date())
                .expirationTime(new Date(System.currentTimeMillis() + 60_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(JWT_SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
