package io.normalcy.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.FeatureVector;
import io.normalcy.testkit.StubSchemaRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication headers and the start-up access check, against the stand-in registry (a JDK HTTP server). TLS
 * against a real server is {@code RegistryAvroApicurioIT} in the detector.
 */
class SchemaRegistryClientAccessTest {
    private static final String P = "normalcy.detector.registry";

    private StubSchemaRegistry registry;

    @BeforeEach
    void start() throws Exception {
        registry = new StubSchemaRegistry();
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    private RegistrySettings settings() {
        return RegistrySettings.of(P, registry.url()).withMaxBlock(Duration.ZERO);
    }

    @Test
    void aBearerTokenIsSentAndAMissingOneIsAnOutageNamingTheKeys() {
        int id = registry.register("s-value", FeatureVector.getClassSchema().toString());
        registry.requireBearerToken("t0ken");
        assertEquals(FeatureVector.getClassSchema(),
                new SchemaRegistryClient(settings().withBearerToken("t0ken")).schemaById(id));
        RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                () -> new SchemaRegistryClient(settings().withBearerToken("wrong")).schemaById(id));
        assertTrue(e.getMessage().contains("HTTP 401") && e.getMessage().contains(P + ".bearer-token"),
                e.getMessage());
    }

    @Test
    void startUpCheckRefusesWrongCredentialsAndAWrongPathNamingTheKey() {
        assertDoesNotThrow(() -> new SchemaRegistryClient(settings()).checkAccess());
        registry.requireBasicAuth("normalcy", "pw");
        assertDoesNotThrow(() -> new SchemaRegistryClient(settings().withBasicAuth("normalcy", "pw")).checkAccess());
        String wrong = assertThrows(IllegalArgumentException.class, () -> new SchemaRegistryClient(
                settings().withBasicAuth("normalcy", "nope")).checkAccess()).getMessage();
        assertTrue(wrong.contains("HTTP 401") && wrong.contains(P + ".username") && wrong.contains(P + ".password"),
                wrong);
        String path = assertThrows(IllegalArgumentException.class, () -> new SchemaRegistryClient(
                RegistrySettings.of(P, registry.url() + "/apis/nothing-here").withBasicAuth("normalcy", "pw"))
                .checkAccess()).getMessage();
        assertTrue(path.contains("HTTP 404") && path.contains(P + ".url"), path);
    }

    @Test
    void startUpCheckOnlyLogsARegistryThatIsDown() {
        SchemaRegistryClient client = new SchemaRegistryClient(settings());
        registry.stop();
        assertDoesNotThrow(client::checkAccess); // an outage at start-up is waited for when records need the registry
    }

    @Test
    void anUnloadableKeyStoreNamesItsKeys(@TempDir Path dir) throws Exception {
        Path notAStore = Files.writeString(dir.resolve("client.p12"), "not a key store");
        RegistrySettings s = RegistrySettings.of(P, "https://registry:8081")
                .withKeystore(notAStore, "secret", "pkcs12");
        assertEquals("PKCS12", s.keystoreType());
        String message = assertThrows(IllegalArgumentException.class, () -> new SchemaRegistryClient(s)).getMessage();
        assertTrue(message.startsWith(P + ".keystore: cannot load PKCS12 store")
                && message.contains(P + ".keystore-password"), message);
    }
}
