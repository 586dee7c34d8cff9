package io.normalcy.detector.api;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;

/**
 * The credentials src/test/resources/application-test.yml configures for every test context, and how a client
 * presents them: the one place the detector's tests get their API keys and JWTs from.
 */
public final class TestCredentials {
    public static final String HEADER = io.normalcy.security.ApiKeyTokenReader.HEADER;
    public static final String READ_KEY = "test-read-key-0123456789abcdef";
    public static final String ADMIN_KEY = "test-admin-key-0123456789abcdef";
    static final String JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789";

    private TestCredentials() {
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
