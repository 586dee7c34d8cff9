package io.normalcy.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A REAL schema registry for integration tests: Apicurio Registry (built from Maven Central by the
 * {@code registry-server} module into {@code registry-server/target/quarkus-app/quarkus-run.jar}) in a child JVM on a
 * free loopback port, with its embedded H2 database in a file of the test's directory, so that {@link #stop()} and
 * {@link #start()} are a real outage and a real restart that keeps the registered schemas, as a registry backed by a
 * database would.
 *
 * <p>Normalcy talks to it through its Confluent-compatible API, {@link #url()} ({@code .../apis/ccompat/v7}); the
 * tests register writer schemas through the same API, as a producer's serializer does. Readiness is polled (that API
 * answers) with a deadline; a registry that exits or does not answer fails the test with its log.
 *
 * <p>{@link #startTls} serves HTTPS only, with a {@link TestCertificates} CA generated for the test, and requires a
 * client certificate signed by that CA (mutual TLS; {@code quarkus.http.ssl.client-auth=required} is fixed when the
 * registry-server module is built and only applies to its HTTPS port, so plain-HTTP registries are unaffected).
 * Given a {@link StubOidcProvider}, it also enforces authentication the way Apicurio does in production
 * ({@code registry.auth.enabled}, OIDC bearer tokens, basic credentials exchanged for a token by client credentials
 * grant), with the stub in Keycloak's place; this class's own requests then carry the provider's bearer token.
 */
public final class ApicurioRegistry implements SchemaRegistryServer {
    /** System property naming {@code quarkus-run.jar}; the modules' failsafe configuration sets it. */
    public static final String APP_PROPERTY = "normalcy.registry-server.app";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(4);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path app;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final TestCertificates tls;
    private final StubOidcProvider oidc;
    private final HttpClient http;
    private Process process;

    private ApicurioRegistry(Path app, Path dataDir, Path log, int port, TestCertificates tls,
                             StubOidcProvider oidc) {
        this.app = app;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
        this.tls = tls;
        this.oidc = oidc;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        this.http = (tls == null ? b : b.sslContext(tls.clientContext())).build();
    }

    /**
     * Starts the registry named by {@value #APP_PROPERTY}, keeping its data and log ({@code registry.log}) in
     * {@code workDir}, and returns when it answers.
     */
    public static ApicurioRegistry start(Path workDir) throws IOException, InterruptedException {
        return start(workDir, null, null);
    }

    /**
     * Like {@link #start(Path)}, but HTTPS only with certificates generated into {@code workDir/tls}
     * ({@link #certificates()}); clients must present the client certificate. With {@code oidc} (else null), every
     * API request must also be authenticated through that provider.
     */
    public static ApicurioRegistry startTls(Path workDir, StubOidcProvider oidc)
            throws IOException, InterruptedException {
        return start(workDir, TestCertificates.generate(workDir.resolve("tls")), oidc);
    }

    private static ApicurioRegistry start(Path workDir, TestCertificates tls, StubOidcProvider oidc)
            throws IOException, InterruptedException {
        String configured = System.getProperty(APP_PROPERTY);
        Path app = configured == null ? null : Path.of(configured);
        if (app == null || !Files.isRegularFile(app)) {
            throw new IllegalStateException("no registry application at " + APP_PROPERTY + "=" + configured
                    + ": build the registry-server module first (e.g. ./mvnw -pl detector -am verify)");
        }
        ApicurioRegistry registry = new ApicurioRegistry(app, workDir.resolve("registry-data"),
                workDir.resolve("registry.log"), freePort(), tls, oidc);
        registry.start();
        return registry;
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
    @Override
    public String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** The certificates of a {@link #startTls} registry (trust store, client key store), or null for plain HTTP. */
    public TestCertificates certificates() {
        return tls;
    }

    /** Where the registry's output goes (named in failure messages). */
    public Path log() {
        return log;
    }

    /**
     * Registers {@code schema} (Avro JSON) under {@code subject} through the Confluent-compatible API, as a producer's
     * serializer does, and returns the id the registry gave it.
     */
    @Override
    public int register(String subject, String schema) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(JSON.createObjectNode().put("schema", schema));
        HttpRequest request = authorized(HttpRequest.newBuilder(URI.create(url() + "/subjects/"
                        + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)));
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode answer = JSON.readTree(response.body());
        if (response.statusCode() != 200 || !answer.has("id")) {
            throw new IllegalStateException("registry refused " + subject + ": " + response.statusCode() + " "
                    + response.body());
        }
        return answer.get("id").asInt();
    }

    /** (Re)starts the registry on its port with its data, and returns once its API answers. */
    @Override
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null) {
            return;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx256m");
        cmd.add("-XX:TieredStopAtLevel=1"); // start-up time over peak speed: the tests send a handful of requests
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        if (tls == null) {
            cmd.add("-Dquarkus.http.port=" + port);
        } else {
            cmd.addAll(tlsOptions());
        }
        if (oidc != null) { // Apicurio 2.4's own settings (its application.properties), Keycloak URLs to the stub
            cmd.addAll(List.of("-Dregistry.auth.enabled=true", "-Dregistry.keycloak.url=" + oidc.keycloakUrl(),
                    "-Dregistry.keycloak.realm=" + StubOidcProvider.REALM,
                    "-Dregistry.auth.basic-auth-client-credentials.enabled=true"));
        }
        cmd.add("-jar");
        cmd.add(app.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // the registry's own setting for its SQL storage (default: an H2 database in memory)
        pb.environment().put("REGISTRY_DATASOURCE_URL",
                "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry"));
        process = pb.start();
        awaitReady();
    }

    /** Stops the registry process (its port refuses connections, as in an outage) and waits until it has exited. */
    @Override
    public synchronized void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: Quarkus shuts down cleanly and closes its database file
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    /** Quarkus 2.16 HTTP settings (io.quarkus.vertx.http.runtime.HttpConfiguration): HTTPS only, this CA. */
    private List<String> tlsOptions() {
        String ssl = "-Dquarkus.http.ssl.certificate.";
        return List.of("-Dquarkus.http.ssl-port=" + port, "-Dquarkus.http.port=0",
                "-Dquarkus.http.insecure-requests=disabled",
                ssl + "key-store-file=" + tls.serverKeystore().toAbsolutePath(),
                ssl + "key-store-file-type=PKCS12", ssl + "key-store-password=" + tls.password(),
                ssl + "trust-store-file=" + tls.truststore().toAbsolutePath(),
                ssl + "trust-store-file-type=PKCS12", ssl + "trust-store-password=" + tls.password());
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpRequest probe = authorized(HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5)).GET());
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the registry exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetAnswering) {
                // still starting: connection refused, or closed before an answer
            }
            process.waitFor(200, TimeUnit.MILLISECONDS); // returns at once if it dies: checked above
        }
        stop();
        throw new IllegalStateException("the registry did not answer within " + START_TIMEOUT + "; see " + log);
    }

    private HttpRequest authorized(HttpRequest.Builder b) {
        return (oidc == null ? b : b.header("Authorization", "Bearer " + oidc.accessToken())).build();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
