package io.normalcy.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads writer schemas by id from a registry with the Confluent-compatible REST API ({@code GET /schemas/ids/{id}},
 * Avro references through {@code GET /subjects/{subject}/versions/{version}}), keeping a bounded cache: schema ids are
 * immutable, so a cached schema never goes stale and a steady stream costs no request at all.
 *
 * <p>Why hand-written over {@code java.net.http}: the Confluent client ({@code io.confluent:kafka-schema-registry-client})
 * is not published on Maven Central, and Apicurio's Java client and serdes speak Apicurio's native
 * {@code /apis/registry} API, not the Confluent-compatible one, so they cannot read from Confluent or Karapace. The
 * client needs exactly two read-only calls.
 *
 * <p>Failure split, the point of this class: the registry's own "schema not found" ({@code 404} with
 * {@code error_code 40403}) is an {@link UnknownSchemaException} (a property of the record); everything that says the
 * registry could not answer — connection refused, timeout, 5xx, 401/403, a 404 without that code (wrong base path) —
 * is retried with backoff for {@link RegistrySettings#maxBlock()} and then a {@link RegistryUnavailableException} (a
 * property of the moment, never a reason to drop the record). A refusal seen at start-up is a configuration error
 * instead ({@link #checkAccess()}); failure messages name the configuration keys to check (trust store, key store,
 * credentials, URL). Thread-safe.
 */
public final class SchemaRegistryClient {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPT = "application/vnd.schemaregistry.v1+json, application/json";
    private static final int SCHEMA_NOT_FOUND = 40403;
    private static final int SUBJECT_NOT_FOUND = 40401;
    private static final int VERSION_NOT_FOUND = 40402;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    private final RegistrySettings settings;
    private final HttpClient http;
    private final String authorization;
    private final Map<Integer, Schema> cache;

    public SchemaRegistryClient(RegistrySettings settings) {
        this.settings = settings;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        if (settings.truststore() != null || settings.keystore() != null) {
            b.sslContext(sslContext(settings));
        }
        this.http = b.build();
        this.authorization = settings.username() != null
                ? "Basic " + Base64.getEncoder().encodeToString((settings.username() + ":" + settings.password())
                .getBytes(StandardCharsets.UTF_8))
                : settings.bearerToken() != null ? "Bearer " + settings.bearerToken() : null;
        int max = settings.cacheSize();
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, Schema> eldest) {
                return size() > max;
            }
        };
    }

    public RegistrySettings settings() {
        return settings;
    }

    /**
     * The Avro schema with this id (cached).
     *
     * @throws UnknownSchemaException       the registry has no schema with this id
     * @throws RegistryUnavailableException the registry did not answer within {@link RegistrySettings#maxBlock()}
     * @throws SerializationException       the id names a non-Avro or unparsable schema (permanent)
     */
    public Schema schemaById(int id) {
        synchronized (cache) {
            Schema s = cache.get(id);
            if (s != null) {
                return s;
            }
        }
        JsonNode body = withRetry("schema id " + id, "/schemas/ids/" + id);
        if (body == null) {
            throw new UnknownSchemaException(id, "schema id " + id + " is not in the registry at " + settings.url()
                    + " (error_code " + SCHEMA_NOT_FOUND + ")");
        }
        Schema schema = parse(id, body);
        synchronized (cache) {
            cache.put(id, schema);
        }
        return schema;
    }

    /** Whether the registry answers at all now (one request to {@code /subjects}, no retry); used to resume after an outage. */
    public boolean reachable() {
        try {
            HttpResponse<String> r = http.send(request("/subjects"), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One request at start-up that tells a configuration error from an outage: a registry that answers but refuses
     * this client — TLS handshake failed (its certificate is not trusted, or it wants a client certificate), 401/403,
     * or a 404 that is not the registry's (wrong base path) — would never answer the records either, so it stops
     * start-up naming the keys to fix. A registry that does not answer now (refused, timeout, 5xx) is only logged:
     * it may come up later, and record lookups then pause and wait for it.
     *
     * @throws IllegalArgumentException naming the configuration keys, when the registry refuses this client
     */
    public void checkAccess() {
        String problem;
        try {
            HttpResponse<String> r = http.send(request("/subjects"), HttpResponse.BodyHandlers.ofString());
            int status = r.statusCode();
            if (status / 100 == 2) {
                LOG.info("Schema registry {} answers", settings.url());
                return;
            }
            if (status == 401 || status == 403 || status == 404) {
                throw new IllegalArgumentException("schema registry " + settings.url() + " refused this client: HTTP "
                        + status + httpHint(status) + ": " + abbreviate(r.body()));
            }
            problem = "HTTP " + status + ": " + abbreviate(r.body());
        } catch (IOException e) {
            String tls = tlsProblem(e);
            if (tls != null && configurationError(e)) {
                throw new IllegalArgumentException("schema registry " + settings.url() + ": " + tls, e);
            }
            problem = tls != null ? tls : e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        LOG.warn("Schema registry {} does not answer at start-up ({}); framed records wait for it", settings.url(),
                problem);
    }

    private Schema parse(int id, JsonNode body) {
        String type = body.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SerializationException("schema id " + id + " is a " + type + " schema, not Avro");
        }
        Schema.Parser parser = new Schema.Parser();
        try {
            addReferences(parser, body.path("references"), new ArrayList<>());
            return parser.parse(body.path("schema").asText());
        } catch (SchemaParseException e) {
            throw new SerializationException("schema id " + id + " from the registry is not a valid Avro schema: "
                    + e.getMessage(), e);
        }
    }

    /** Parses referenced schemas (depth first) into {@code parser} so that the main schema can name their types. */
    private void addReferences(Schema.Parser parser, JsonNode refs, List<String> seen) {
        for (JsonNode ref : refs) {
            String subject = ref.path("subject").asText();
            String version = ref.path("version").asText("latest");
            String key = subject + "/" + version;
            if (seen.contains(key)) {
                continue;
            }
            seen.add(key);
            JsonNode body = withRetry("reference " + key, "/subjects/"
                    + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20") + "/versions/" + version);
            if (body == null) {
                throw new SerializationException("schema reference " + key + " is not in the registry");
            }
            addReferences(parser, body.path("references"), seen);
            parser.parse(body.path("schema").asText());
        }
    }

    /** GET with retries until {@code maxBlock}; the parsed body, or null on the registry's own "not found". */
    private JsonNode withRetry(String what, String path) {
        long deadline = System.nanoTime() + settings.maxBlock().toNanos();
        Duration backoff = settings.retryBackoff();
        while (true) {
            String problem;
            Exception cause = null;
            try {
                HttpResponse<String> r = http.send(request(path), HttpResponse.BodyHandlers.ofString());
                int status = r.statusCode();
                if (status / 100 == 2) {
                    return readJson(what, r.body());
                }
                if (status == 404 && notFoundCode(r.body())) {
                    return null;
                }
                problem = "HTTP " + status + httpHint(status) + ": " + abbreviate(r.body());
            } catch (IOException e) {
                problem = tlsProblem(e) != null ? tlsProblem(e) : e.toString();
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while reading " + what + " from " + settings.url(), e);
            }
            if (System.nanoTime() + backoff.toNanos() > deadline) {
                throw new RegistryUnavailableException("schema registry " + settings.url() + " unavailable reading "
                        + what + ": " + problem, cause);
            }
            LOG.debug("Registry lookup of {} failed ({}), retrying in {}", what, problem, backoff);
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryUnavailableException("interrupted while reading " + what + " from " + settings.url(), e);
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    private HttpRequest request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(settings.url() + path))
                .timeout(settings.requestTimeout()).header("Accept", ACCEPT).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return b.build();
    }

    /** What to check for a registry's refusal, naming the keys. */
    private String httpHint(int status) {
        String p = settings.keyPrefix();
        return switch (status) {
            case 401, 403 -> " (check the credentials: " + p + ".username/" + p + ".password or " + p + ".bearer-token)";
            case 404 -> " without a registry error code (check the base path in " + p + ".url)";
            default -> "";
        };
    }

    /**
     * An operator-readable description of a TLS failure, naming the keys to check, or null when {@code e} is not one.
     * Without it the log would only show the JDK's "PKIX path building failed" deep in a stack trace.
     */
    private String tlsProblem(IOException e) {
        SSLException ssl = cause(e, SSLException.class);
        if (ssl == null) {
            return null;
        }
        String p = settings.keyPrefix();
        String detail = ssl.getMessage();
        if (cause(e, CertificateException.class) != null) {
            return "TLS handshake failed, the registry's certificate is not trusted (" + detail + "): "
                    + (settings.truststore() == null ? "set " + p + ".truststore to a trust store with its CA"
                    : p + ".truststore " + settings.truststore() + " does not hold its CA") + " (" + p
                    + ".truststore-password, " + p + ".truststore-type)";
        }
        return "TLS handshake failed (" + detail + "): check " + p + ".truststore and, if the registry requires "
                + "client certificates, " + p + ".keystore (" + p + ".keystore-password, " + p + ".keystore-type)";
    }

    /**
     * Whether a TLS failure is one a retry cannot fix: a certificate the client does not trust, or a fatal alert
     * from the registry (it rejected the client's certificate or its absence). A handshake cut short by a registry
     * that is going down is an outage instead.
     */
    private static boolean configurationError(IOException e) {
        SSLException ssl = cause(e, SSLException.class);
        return cause(e, CertificateException.class) != null
                || (ssl != null && ssl.getMessage() != null && ssl.getMessage().contains("alert"));
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    private static boolean notFoundCode(String body) {
        try {
            int code = JSON.readTree(body).path("error_code").asInt();
            return code == SCHEMA_NOT_FOUND || code == SUBJECT_NOT_FOUND || code == VERSION_NOT_FOUND;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private JsonNode readJson(String what, String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new RegistryUnavailableException("schema registry " + settings.url() + " answered " + what
                    + " with something that is not JSON: " + abbreviate(body), e);
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static SSLContext sslContext(RegistrySettings s) {
        try {
            TrustManagerFactory tmf = null;
            if (s.truststore() != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(s.keyPrefix() + ".truststore", s.truststore(), s.truststorePassword(),
                        s.truststoreType()));
            }
            KeyManagerFactory kmf = null;
            if (s.keystore() != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String password = s.keystorePassword();
                kmf.init(load(s.keyPrefix() + ".keystore", s.keystore(), password, s.keystoreType()),
                        password == null ? new char[0] : password.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(s.keyPrefix() + ".truststore/" + s.keyPrefix()
                    + ".keystore: cannot set up TLS (" + e.getMessage() + ")", e);
        }
    }

    /** Loads a trust or key store, naming its keys when that fails (wrong password or type, not a store). */
    private static KeyStore load(String key, Path file, String password, String type) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password == null ? null : password.toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(key + ": cannot load " + type + " store " + file + " ("
                    + e.getMessage() + "; check " + key + "-password and " + key + "-type)", e);
        }
    }
}
