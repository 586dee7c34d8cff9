package io.normalcy.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * A STAND-IN for an OpenID Connect provider (what Keycloak is to Apicurio Registry), just enough for a real Apicurio
 * to enforce authentication in the tests: discovery ({@code .well-known/openid-configuration}), the signing key
 * ({@code certs}, one RSA key) and the token endpoint, which grants {@code client_credentials} for one client and
 * returns RS256 JWTs. Apicurio turns HTTP basic credentials into such a token request
 * ({@code registry.auth.basic-auth-client-credentials.enabled}) and verifies bearer tokens against the key with
 * Quarkus OIDC, so both of Normalcy's registry authentications meet the real server's checks; only the identity
 * provider is stood in (Keycloak is not on Maven Central).
 */
public final class StubOidcProvider implements AutoCloseable {
    /** Realm path element of the Keycloak-style URLs Apicurio builds ({@code registry.keycloak.realm}). */
    public static final String REALM = "normalcy";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String clientId;
    private final String clientSecret;
    private final KeyPair key;
    private final HttpServer server;

    /** Starts on a free loopback port; {@code clientId}/{@code clientSecret} are the only credentials it accepts. */
    public StubOidcProvider(String clientId, String clientSecret) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            this.key = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The Keycloak-style base URL, e.g. {@code http://127.0.0.1:41234/auth} (Apicurio's registry.keycloak.url). */
    public String keycloakUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/auth";
    }

    /** The issuer, {@code keycloakUrl()/realms/normalcy}. */
    public String issuer() {
        return keycloakUrl() + "/realms/" + REALM;
    }

    /** A signed access token for the client, valid for an hour (what a client would get from the token endpoint). */
    public String accessToken() {
        long now = Instant.now().getEpochSecond();
        ObjectNode claims = JSON.createObjectNode().put("iss", issuer()).put("sub", clientId)
                .put("preferred_username", clientId).put("azp", clientId).put("typ", "Bearer")
                .put("iat", now).put("exp", now + 3600);
        String header = B64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"k1\"}"
                .getBytes(StandardCharsets.UTF_8));
        String body = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key.getPrivate());
            s.update((header + "." + body).getBytes(StandardCharsets.US_ASCII));
            return header + "." + body + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().replaceAll("/+$", ""); // Apicurio asks for ".../token/"
        String realm = "/auth/realms/" + REALM;
        if (path.equals(realm + "/.well-known/openid-configuration")) {
            String base = issuer() + "/protocol/openid-connect";
            send(ex, 200, JSON.createObjectNode().put("issuer", issuer()).put("jwks_uri", base + "/certs")
                    .put("token_endpoint", base + "/token").put("authorization_endpoint", base + "/auth")
                    .toString());
        } else if (path.equals(realm + "/protocol/openid-connect/certs")) {
            RSAPublicKey pub = (RSAPublicKey) key.getPublic();
            ObjectNode jwk = JSON.createObjectNode().put("kty", "RSA").put("kid", "k1").put("use", "sig")
                    .put("alg", "RS256").put("n", unsigned(pub.getModulus()))
                    .put("e", unsigned(pub.getPublicExponent()));
            ObjectNode keys = JSON.createObjectNode();
            keys.putArray("keys").add(jwk);
            send(ex, 200, keys.toString());
        } else if (path.equals(realm + "/protocol/openid-connect/token") && ex.getRequestMethod().equals("POST")) {
            Map<String, String> form = form(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            if ("client_credentials".equals(form.get("grant_type")) && clientId.equals(form.get("client_id"))
                    && clientSecret.equals(form.get("client_secret"))) {
                send(ex, 200, JSON.createObjectNode().put("access_token", accessToken()).put("token_type", "Bearer")
                        .put("expires_in", 3600).toString());
            } else {
                send(ex, 401, "{\"error\":\"invalid_client\"}");
            }
        } else {
            send(ex, 404, JSON.createObjectNode().put("error", "not found: " + ex.getRequestMethod() + " " + path)
                    .toString());
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    /** Base64url of the big-endian magnitude without the sign byte (JWK's encoding of RSA numbers). */
    private static String unsigned(BigInteger n) {
        byte[] b = n.toByteArray();
        int skip = b.length > 1 && b[0] == 0 ? 1 : 0;
        return B64.encodeToString(java.util.Arrays.copyOfRange(b, skip, b.length));
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
