package io.normalcy.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A STAND-IN for a schema registry, not a real one: the subset of the Confluent-compatible REST API that producers
 * and Normalcy's reader use ({@code POST /subjects/{s}/versions}, {@code GET /schemas/ids/{id}},
 * {@code GET /subjects}, {@code GET /subjects/{s}/versions/{v}}), with the registry's error bodies
 * ({@code 404 {"error_code":40403}}), optional basic or bearer auth, and {@link #stop()}/{@link #start()} on the
 * same port to simulate an outage (connections refused, as when the registry process is down).
 *
 * <p>Why it exists beside the real registry ({@link ApicurioRegistry}, which the end-to-end ITs use): it starts in
 * milliseconds inside the test's JVM, so unit tests can use it, and it does what is awkward to set up on a real
 * server (basic auth on and off, counting the id lookups to show caching). Tests that use it prove Normalcy's
 * behaviour against the documented API, not compatibility with a particular registry product. Schemas are stored
 * as given (no canonicalisation or compatibility rules); the same schema text under a subject gets the same id, like a
 * real registry.
 */
public final class StubSchemaRegistry implements SchemaRegistryServer {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Integer, String> schemas = new LinkedHashMap<>();
    private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();
    private final AtomicInteger nextId = new AtomicInteger(1);
    private final AtomicInteger idLookups = new AtomicInteger();
    private volatile String requiredAuthorization;
    private int port;
    private HttpServer server;

    /** Starts on a free port of the loopback interface. */
    public StubSchemaRegistry() throws IOException {
        start();
    }

    /** Base URL, e.g. {@code http://127.0.0.1:41234}. */
    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Requires {@code Authorization: Basic ...} with these credentials from now on (401 otherwise). */
    public void requireBasicAuth(String user, String password) {
        requiredAuthorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Requires {@code Authorization: Bearer token} from now on (401 otherwise). */
    public void requireBearerToken(String token) {
        requiredAuthorization = "Bearer " + token;
    }

    /** Registers {@code schema} under {@code subject} (as a producer's serializer would) and returns its id. */
    @Override
    public synchronized int register(String subject, String schema) {
        for (Map.Entry<Integer, String> e : schemas.entrySet()) {
            if (e.getValue().equals(schema)) {
                subjects.computeIfAbsent(subject, s -> new ArrayList<>());
                if (!subjects.get(subject).contains(e.getKey())) {
                    subjects.get(subject).add(e.getKey());
                }
                return e.getKey();
            }
        }
        int id = nextId.getAndIncrement();
        schemas.put(id, schema);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    /** How many {@code GET /schemas/ids/{id}} requests were answered (to show caching). */
    public int idLookups() {
        return idLookups.get();
    }

    /** Stops answering: connections are refused until {@link #start()}. */
    @Override
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** (Re)starts on the same port (a free one the first time). */
    @Override
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
                break;
            } catch (BindException e) { // the old socket of this port may linger for a moment after stop()
                last = e;
                Thread.onSpinWait();
            }
        }
        if (server == null) {
            throw last;
        }
        server.createContext("/", this::handle);
        server.start();
        port = server.getAddress().getPort();
    }

    @Override
    public void close() {
        stop();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (requiredAuthorization != null
                    && !requiredAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                send(ex, 401, error(40101, "Unauthorized"));
                return;
            }
            String[] p = ex.getRequestURI().getPath().replaceAll("^/+|/+$", "").split("/");
            String method = ex.getRequestMethod();
            synchronized (this) {
                if (method.equals("GET") && p.length == 3 && p[0].equals("schemas") && p[1].equals("ids")) {
                    idLookups.incrementAndGet();
                    String schema = schemas.get(Integer.parseInt(p[2]));
                    send(ex, schema == null ? 404 : 200, schema == null ? error(40403, "Schema not found")
                            : JSON.createObjectNode().put("schema", schema));
                } else if (method.equals("GET") && p.length == 1 && p[0].equals("subjects")) {
                    send(ex, 200, JSON.valueToTree(subjects.keySet()));
                } else if (p.length == 3 && p[0].equals("subjects") && p[2].equals("versions") && method.equals("POST")) {
                    JsonNode body = JSON.readTree(ex.getRequestBody());
                    int id = register(URLDecoder.decode(p[1], StandardCharsets.UTF_8), body.path("schema").asText());
                    send(ex, 200, JSON.createObjectNode().put("id", id));
                } else if (method.equals("GET") && p.length == 4 && p[0].equals("subjects") && p[2].equals("versions")) {
                    List<Integer> ids = subjects.get(URLDecoder.decode(p[1], StandardCharsets.UTF_8));
                    int v = p[3].equals("latest") && ids != null ? ids.size() : p[3].matches("\\d+") ? Integer.parseInt(p[3]) : -1;
                    if (ids == null || v < 1 || v > ids.size()) {
                        send(ex, 404, error(ids == null ? 40401 : 40402, "Subject or version not found"));
                    } else {
                        int id = ids.get(v - 1);
                        send(ex, 200, JSON.createObjectNode().put("subject", p[1]).put("version", v).put("id", id)
                                .put("schema", schemas.get(id)));
                    }
                } else {
                    send(ex, 404, JSON.createObjectNode().put("message", "no such endpoint in the stub"));
                }
            }
        } catch (RuntimeException e) {
            send(ex, 500, error(50001, e.toString()));
        } finally {
            ex.close();
        }
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
