package io.normalcy.detector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.runtime.server.EmbeddedServer;
import io.normalcy.avro.FeatureVector;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.detector.runtime.RegistryHealthIndicator;
import io.normalcy.schemas.registry.RegistrySettings;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.SchemaRegistryClient;
import io.normalcy.testkit.ApicurioRegistry;
import io.normalcy.testkit.KafkaBroker;
import io.normalcy.testkit.KafkaBrokerExtension;
import io.normalcy.testkit.StubOidcProvider;
import io.normalcy.testkit.TestCertificates;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;

/**
 * {@link SchemaRegistryIT}'s scenario ({@link FramedRecordsScenario}) against a REAL registry server instead of the
 * stand-in: Apicurio Registry (testkit's {@link ApicurioRegistry}, a child JVM) through its Confluent-compatible API
 * over HTTPS with mutual TLS (a CA generated for the test; the detector is configured with
 * {@code registry.truststore} and {@code registry.keystore}) and with authentication enforced by the registry
 * (Apicurio's OIDC support, testkit's {@link StubOidcProvider} in Keycloak's place; the detector uses
 * {@code registry.username/password}, which Apicurio exchanges for a token). Plain HTTP without auth against the
 * same server is covered by the trainer's {@code RegistryHistoryApicurioIT} and the stand-in ITs. The detector runs
 * on the real (in-JVM KRaft) broker. Writer schemas are registered through that API: records of the current, an
 * older (fields missing, taking their defaults) and a newer (an extra field) writer schema are scored; an id the
 * registry does not know is dead-lettered as {@code UNKNOWN_SCHEMA} (the real registry's 404 body); the registry
 * process is stopped while records of a not-yet-fetched schema arrive, and after its restart every record is scored
 * exactly once, none dead-lettered. This is what shows that Normalcy's client reads a real registry's answers, not only the documented
 * API as the stand-in models it.
 *
 * <p>One registry start serves both tests (about 20 s each), so the outage test leaves it running. The second shows
 * that a client the registry refuses — a trust store without its CA, no client certificate, a wrong password — is a
 * configuration error: the detector does not start and names the key, and a lookup fails as "unavailable" (records
 * wait), never as an unknown schema (records dead-lettered); a bearer token is accepted.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RegistryAvroApicurioIT {
    private static final String MODEL = "apicurio-model";
    private static final String SUBJECT = "apicurio.features-value";

    private static final String KEY = "normalcy.detector.registry";

    private static final String CLIENT_ID = "normalcy-detector";
    private static final String CLIENT_SECRET = "s3cret";

    @TempDir
    static Path work;
    private static StubOidcProvider oidc;
    private static ApicurioRegistry registry;

    @BeforeAll
    static void startRegistry() throws Exception {
        oidc = new StubOidcProvider(CLIENT_ID, CLIENT_SECRET);
        registry = ApicurioRegistry.startTls(work, oidc);
    }

    @AfterAll
    static void stopRegistry() throws Exception {
        if (registry != null) {
            registry.close();
        }
        if (oidc != null) {
            oidc.close();
        }
    }

    /** The detector's settings for the test registry: https with its CA and the client certificate, basic auth. */
    private static Map<String, Object> secured(Map<String, Object> props) {
        TestCertificates certs = registry.certificates();
        props.put(KEY + ".url", registry.url());
        props.put(KEY + ".username", CLIENT_ID);
        props.put(KEY + ".password", CLIENT_SECRET);
        props.put(KEY + ".truststore", certs.truststore().toString());
        props.put(KEY + ".truststore-password", certs.password());
        props.put(KEY + ".keystore", certs.clientKeystore().toString());
        props.put(KEY + ".keystore-password", certs.password());
        return props;
    }

    @Test
    void scoresFramedRecordsOfARealRegistryAndWaitsOutItsOutage(KafkaBroker broker) throws Exception {
        String bootstrap = broker.bootstrapServers();
        DetectorTopics topics = ItSupport.topics("apicurio");
        Map<String, Object> props = secured(ItSupport.appProperties(bootstrap, "apicurio", "detector-apicurio-it"));
        new FramedRecordsScenario(registry, MODEL, SUBJECT, 60, 13).run(bootstrap, topics, props,
                new FramedRecordsScenario.Checks() {
                    @Override
                    public void whilePaused(ApplicationContext detector) {
                        HealthResult paused = health(detector);
                        assertEquals(HealthStatus.DOWN, paused.getStatus(),
                                "paused for the outage: " + paused.getDetails());
                    }

                    @Override
                    public void afterResume(ApplicationContext detector) {
                        assertEquals(HealthStatus.UP, health(detector).getStatus(), "resumed");
                    }

                    @Override
                    public String failureContext() {
                        return " (registry log: " + registry.log() + ")";
                    }
                });
    }

    private static HealthResult health(ApplicationContext detector) {
        return Mono.from(detector.getBean(RegistryHealthIndicator.class).getResult()).block();
    }

    @Test
    void aRegistryThatRefusesTheClientIsAConfigurationErrorNotUnknownSchemas(KafkaBroker broker)
            throws Exception {
        TestCertificates certs = registry.certificates();
        int id = registry.register("apicurio.refused-value", FeatureVector.getClassSchema().toString());
        Map<String, Object> untrusted = secured(ItSupport.appProperties(broker.bootstrapServers(), "apicurio-refused",
                "detector-apicurio-refused-it"));
        untrusted.put(KEY + ".truststore", certs.otherTruststore().toString());
        assertStartRefused(untrusted, KEY + ".truststore", "not trusted");
        Map<String, Object> noClientCertificate = secured(ItSupport.appProperties(broker.bootstrapServers(),
                "apicurio-refused", "detector-apicurio-refused-it"));
        noClientCertificate.remove(KEY + ".keystore");
        noClientCertificate.remove(KEY + ".keystore-password");
        assertStartRefused(noClientCertificate, KEY + ".keystore", "TLS handshake failed");
        Map<String, Object> wrongPassword = secured(ItSupport.appProperties(broker.bootstrapServers(),
                "apicurio-refused", "detector-apicurio-refused-it"));
        wrongPassword.put(KEY + ".password", "wrong");
        assertStartRefused(wrongPassword, KEY + ".password", "HTTP 401");

        // at run time (e.g. the registry's certificate was replaced by one of another CA) a lookup is an outage, so
        // the detector pauses (RegistryOutage) instead of dead-lettering the record as UNKNOWN_SCHEMA
        RegistrySettings settings = RegistrySettings.of(KEY, registry.url())
                .withTruststore(certs.otherTruststore(), certs.password(), null)
                .withKeystore(certs.clientKeystore(), certs.password(), null).withMaxBlock(Duration.ZERO);
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> new SchemaRegistryClient(settings).schemaById(id));
        assertTrue(e.getMessage().contains("not trusted") && e.getMessage().contains(KEY + ".truststore"),
                e.getMessage());
        RegistrySettings trusted = settings.withTruststore(certs.truststore(), certs.password(), "pkcs12");
        RegistryUnavailableException anonymous = assertThrows(RegistryUnavailableException.class,
                () -> new SchemaRegistryClient(trusted).schemaById(id));
        assertTrue(anonymous.getMessage().contains("HTTP 401") && anonymous.getMessage().contains(KEY + ".username"),
                anonymous.getMessage());
        assertEquals(FeatureVector.getClassSchema(), new SchemaRegistryClient(trusted.withBearerToken(
                oidc.accessToken())).schemaById(id), "a bearer token the registry verifies (OIDC) reads it");
    }

    private static void assertStartRefused(Map<String, Object> props, String key, String what) {
        Exception e = assertThrows(Exception.class, () -> ApplicationContext.run(EmbeddedServer.class, props).close());
        String messages = messages(e);
        assertTrue(messages.contains(key) && messages.contains(what), messages);
    }

    private static String messages(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }
}
