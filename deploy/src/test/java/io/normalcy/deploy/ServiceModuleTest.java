package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checker itself, on a synthetic service module: the deploy tests are only as good as their reading of
 * the services' configuration, so renamed keys, ports and disabled endpoints must be caught here.
 */
class ServiceModuleTest {

    @TempDir
    Path dir;

    private ServiceModule module(String yml, String... javaFiles) throws IOException {
        Files.createDirectories(dir.resolve("src/main/resources"));
        Files.writeString(dir.resolve("src/main/resources/application.yml"), yml);
        Path pkg = Files.createDirectories(dir.resolve("src/main/java/x"));
        for (int i = 0; i < javaFiles.length; i++) {
            Files.writeString(pkg.resolve("C" + i + ".java"), javaFiles[i]);
        }
        return ServiceModule.at("svc", dir);
    }

    private static final String YML = """
            micronaut:
              server:
                port: ${SVC_PORT:8181}
            endpoints:
              prometheus:
                sensitive: false
            kafka:
              bootstrap.servers: localhost:9092
            """;

    private static final String RECORD_CONFIG = """
            package x;
            @ConfigurationProperties("svc.main")
            public record C0(
                    @Bindable(defaultValue = "normalcy-x") @NotBlank String applicationId,
                    @Bindable(defaultValue = "5m") @NotNull Duration coolDown,
                    @Valid @Nullable Topics topics,
                    @Nullable Map<String, String> labels) {
                @ConfigurationProperties("topics")
                public record Topics(@Pattern(regexp = "[a-z]+(:(?i)(avro|json))?", message = "m, n") List<String> inputs,
                                     @Bindable(defaultValue = "t.scores") String scores) {
                    char brace() { return '{'; }
                }
            }
            """;

    private static final String CLASS_CONFIG = """
            package x;
            /** settings {@code svc.other} */
            @ConfigurationProperties("svc.other")
            public class C1 {
                private String hmacKey;
                private int ed25519Bits = 3; // comment with set(
                public String getHmacKey() { return hmacKey; }
                public void setHmacKey(String hmacKey) { this.hmacKey = hmacKey; }
                public void setEd25519Bits(int bits) { this.ed25519Bits = bits; }
            }
            class Reader { Reader(Environment env) { env.getProperties("kafka", StringConvention.RAW);
                String s = "streams.svc."; } }
            """;

    @Test
    void declaredKeysAcceptTheirMicronautEnvironmentVariables() throws IOException {
        ServiceModule m = module(YML, RECORD_CONFIG, CLASS_CONFIG);
        for (String env : new String[] {"SVC_MAIN_APPLICATION_ID", "SVC_MAIN_COOL_DOWN", "SVC_MAIN_TOPICS_INPUTS",
                "SVC_MAIN_TOPICS_SCORES", "SVC_MAIN_LABELS_TEAM", "SVC_OTHER_HMAC_KEY", "SVC_OTHER_ED25519_BITS",
                "KAFKA_BOOTSTRAP_SERVERS", "SVC_PORT", "JAVA_TOOL_OPTIONS", "MICRONAUT_SERVER_PORT"}) {
            assertTrue(m.explainEnv(env).isPresent(), env + " should be accepted");
        }
        // Kafka pass-through: real client and Streams setting names only
        assertTrue(m.explainEnv("KAFKA_SASL_JAAS_CONFIG").isPresent());
        assertTrue(m.explainEnv("KAFKA_SSL_TRUSTSTORE_LOCATION").isPresent());
        assertTrue(m.explainEnv("KAFKA_STREAMS_SVC_NUM_STREAM_THREADS").isPresent());
        assertEquals(Optional.of("normalcy-x"), m.value("svc.main.application-id", Map.of()));
        assertEquals(Optional.of("t.scores"), m.value("svc.main.topics.scores", Map.of()));
        assertEquals(Optional.of("other"), m.value("svc.main.topics.scores", Map.of("SVC_MAIN_TOPICS_SCORES", "other")));
    }

    @Test
    void aPrefixGivenAsAConstantIsRefusedNotSilentlySkipped() {
        String src = "package x;\n@ConfigurationProperties(C2.PREFIX)\npublic record C2(String hmacKey) {\n"
                + "    static final String PREFIX = \"svc.c2\";\n}\n";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> ConfigPropertiesScanner.scanFile(Path.of("C2.java"), src, new java.util.ArrayList<>()));
        assertTrue(e.getMessage().contains("string literal"), e.getMessage());
    }

    @Test
    void keysThatNothingReadsAreRejected() throws IOException {
        ServiceModule m = module(YML, RECORD_CONFIG, CLASS_CONFIG);
        for (String env : new String[] {"SVC_MAIN_COOLDOWN", "SVC_MAIN_TOPICS", "SVC_MAIN_TOPIC_INPUTS", "SVC_OTHER_HMAC",
                "KAFKA_SASL_JAAS_CONFIGURATION", "KAFKA_STREAMS_OTHER_NUM_STREAM_THREADS", "SVC_MAIN_BRACE", "DEBUG"}) {
            assertEquals(Optional.empty(), m.explainEnv(env), env + " should be rejected");
        }
    }

    @Test
    void withoutKafkaPassThroughOnlyDeclaredKafkaKeysAreAccepted() throws IOException {
        ServiceModule m = module(YML, RECORD_CONFIG);
        assertTrue(m.explainEnv("KAFKA_BOOTSTRAP_SERVERS").isPresent(), "declared in application.yml");
        assertEquals(Optional.empty(), m.explainEnv("KAFKA_SECURITY_PROTOCOL"));
    }

    @Test
    void portsAndEndpointPathsComeFromApplicationYml() throws IOException {
        ServiceModule m = module(YML + "endpoints.all.path: /manage\n", RECORD_CONFIG);
        assertEquals(8181, m.port());
        assertEquals(Optional.of("SVC_PORT"), m.portPlaceholder());
        assertEquals("/manage/health/readiness", m.readinessPath());
        assertEquals("/manage/prometheus", m.prometheusPath());
    }

    @Test
    void aSensitiveOrDisabledMetricsEndpointCannotBeScraped() throws IOException {
        assertThrows(AssertionError.class, () -> module("micronaut:\n  server:\n    port: 1\n", RECORD_CONFIG).prometheusPath());
        Files.writeString(dir.resolve("src/main/resources/application.yml"),
                "endpoints:\n  prometheus:\n    enabled: false\n    sensitive: false\n");
        assertThrows(AssertionError.class, () -> ServiceModule.at("svc", dir).prometheusPath());
        Files.writeString(dir.resolve("src/main/resources/application.yml"), "endpoints:\n  health:\n    sensitive: true\n");
        assertThrows(AssertionError.class, () -> ServiceModule.at("svc", dir).livenessPath());
        assertEquals(8080, ServiceModule.at("svc", dir).port(), "Micronaut's default port");
    }

    @Test
    void onlyTheEndpointsEnabledOneByOneAreServedAndMetricsMayDefaultToOpen() throws IOException {
        ServiceModule m = module("""
                endpoints:
                  all:
                    enabled: false
                  health:
                    enabled: true
                  prometheus:
                    enabled: true
                    sensitive: ${svc.protect-metrics:false}
                """, RECORD_CONFIG);
        assertEquals("/prometheus", m.prometheusPath());
        assertEquals("/health/liveness", m.livenessPath());
        Files.writeString(dir.resolve("src/main/resources/application.yml"),
                "endpoints:\n  all:\n    enabled: false\n  prometheus:\n    sensitive: false\n");
        assertThrows(AssertionError.class, () -> ServiceModule.at("svc", dir).prometheusPath(), "not enabled one by one");
        Files.writeString(dir.resolve("src/main/resources/application.yml"),
                "endpoints:\n  prometheus:\n    sensitive: ${svc.protect-metrics:true}\n");
        assertThrows(AssertionError.class, () -> ServiceModule.at("svc", dir).prometheusPath(), "protected by default");
    }

    @Test
    void apiKeyAndJwtVariablesAreAcceptedOnlyForServicesUsingTheSecurityModule() throws IOException {
        ServiceModule without = module(YML, RECORD_CONFIG);
        assertEquals(Optional.empty(), without.explainEnv("NORMALCY_SECURITY_API_KEYS_OPS_KEY"));
        Files.writeString(dir.resolve("pom.xml"), "<project><dependencies><dependency><groupId>io.normalcy</groupId>"
                + "<artifactId>normalcy-security</artifactId></dependency></dependencies></project>");
        ServiceModule with = ServiceModule.at("svc", dir);
        for (String env : new String[] {"NORMALCY_SECURITY_API_KEYS_OPS_KEY", "NORMALCY_SECURITY_API_KEYS_CI_BOT_ROLES",
                "NORMALCY_SECURITY_API_KEYS_OPS_KEY_SHA256", "MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURES_SECRET_IDP_SECRET",
                "MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURES_JWKS_IDP_URL"}) {
            assertTrue(with.explainEnv(env).isPresent(), env + " should be accepted");
        }
        for (String env : new String[] {"NORMALCY_SECURITY_API_KEYS_OPS", "NORMALCY_SECURITY_API_KEYS_OPS_ROLE",
                "NORMALCY_SECURITY_APIKEYS_OPS_KEY", "MICRONAUT_SECURITY_TOKEN_JWT_SIGNATURE_SECRET_IDP_SECRET"}) {
            assertEquals(Optional.empty(), with.explainEnv(env), env + " should be rejected");
        }
    }

    @Test
    void aMissingApplicationYmlFails() throws IOException {
        Files.createDirectories(dir.resolve("src/main/java"));
        assertThrows(AssertionError.class, () -> ServiceModule.at("svc", dir));
    }
}
