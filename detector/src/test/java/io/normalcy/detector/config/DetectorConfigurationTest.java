package io.normalcy.detector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.context.ApplicationContext;
import io.normalcy.flow.kernel.ScoringKernel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding, defaults and start-up validation of {@code normalcy.detector.*} (without starting Kafka Streams). */
class DetectorConfigurationTest {

    @Test
    void defaultsFollowTheDesign() {
        try (ApplicationContext ctx = Startup.run(Map.of())) {
            DetectorConfiguration c = ctx.getBean(DetectorConfiguration.class);
            assertEquals(DetectorTopics.defaults(), c.detectorTopics());
            DetectorSettings s = c.detectorSettings();
            assertEquals(Duration.ofMinutes(5), s.coolDown());
            assertTrue(s.scoresEnabled());
            assertEquals(InputFormat.AUTO, s.formatOf("normalcy.features"));
            assertEquals(DriftSettings.defaults(), s.drift());
            assertFalse(s.signing().enabled());
            assertEquals("normalcy-detector", c.applicationId());
            assertEquals(0.99, s.expectedRangeMass());
        }
    }

    @Test
    void expectedRangeMassBindsAndMustLieStrictlyBetweenZeroAndOne() {
        try (ApplicationContext ctx = Startup.run(Map.of("normalcy.detector.expected-range-mass", "0.95"))) {
            assertEquals(0.95, ctx.getBean(DetectorConfiguration.class).detectorSettings().expectedRangeMass());
        }
        for (String bad : List.of("1", "0", "1.5")) {
            String m = Startup.failure("normalcy.detector.expected-range-mass", bad);
            assertTrue(m.contains("expectedRangeMass") || m.contains("expected-range-mass"), m);
        }
        String m = Startup.failure("normalcy.detector.expected-range-mass", "most");
        assertTrue(m.contains("normalcy.detector.expected-range-mass"), m);
    }

    @Test
    void historyLimitBindsAndIsValidatedNamingTheKey() {
        try (ApplicationContext ctx = Startup.run(Map.of(DetectorSettings.HISTORY_MAX_EVENTS, "200",
                DetectorSettings.HISTORY_MAX_BYTES, "65536"))) {
            assertEquals(new io.normalcy.schemas.derived.HistoryLimit(200, 65_536),
                    ctx.getBean(DetectorConfiguration.class).detectorSettings().history());
        }
        try (ApplicationContext ctx = Startup.run(Map.of())) {
            assertEquals(io.normalcy.schemas.derived.HistoryLimit.DEFAULT,
                    ctx.getBean(DetectorConfiguration.class).detectorSettings().history());
        }
        for (String bad : List.of("0", "5000", "many")) {
            String m = Startup.failure(DetectorSettings.HISTORY_MAX_EVENTS, bad);
            assertTrue(m.contains(DetectorSettings.HISTORY_MAX_EVENTS), m);
        }
        for (String bad : List.of("100", "2000000")) {
            String m = Startup.failure(DetectorSettings.HISTORY_MAX_BYTES, bad);
            assertTrue(m.contains(DetectorSettings.HISTORY_MAX_BYTES), m);
        }
    }

    @Test
    void scoringKernelIsChosenAtStartUpAndValidatedNamingTheKey() {
        // the test JVM has the Vector API module (root pom argLine): auto = SIMD
        try (ApplicationContext ctx = Startup.run(Map.of())) {
            assertEquals(ScoringKernel.SIMD, ctx.getBean(DetectorConfiguration.class).detectorSettings()
                    .scoringKernel());
        }
        try (ApplicationContext ctx = Startup.run(Map.of(DetectorConfiguration.SCORING_KERNEL, "scalar"))) {
            assertEquals(ScoringKernel.SCALAR, ctx.getBean(DetectorConfiguration.class).detectorSettings()
                    .scoringKernel());
        }
        String m = Startup.failure(DetectorConfiguration.SCORING_KERNEL, "fast");
        assertTrue(m.contains("normalcy.detector.scoring-kernel must be auto, scalar or simd"), m);
    }

    @Test
    void customValuesBind() {
        try (ApplicationContext ctx = Startup.run(Map.of(
                "normalcy.detector.topics.inputs", "in.a:json,in.b",
                "normalcy.detector.topics.default-input-format", "avro",
                "normalcy.detector.topics.alerts", "my.alerts",
                "normalcy.detector.scores-enabled", "false",
                "normalcy.detector.cool-down", "30s",
                "normalcy.detector.drift.window-size", "200",
                "normalcy.detector.drift.min-records", "50",
                "normalcy.detector.drift.rate-limit", "10m",
                "normalcy.detector.signing.hmac-secret", "czNjcmV0czNjcmV0"))) {
            DetectorConfiguration c = ctx.getBean(DetectorConfiguration.class);
            DetectorTopics t = c.detectorTopics();
            assertEquals(List.of("in.a", "in.b"), t.inputs());
            assertEquals("my.alerts", t.alerts());
            assertEquals("normalcy.scores", t.scores());
            DetectorSettings s = c.detectorSettings();
            assertEquals(InputFormat.JSON, s.formatOf("in.a"));
            assertEquals(InputFormat.AVRO, s.formatOf("in.b"));
            assertFalse(s.scoresEnabled());
            assertEquals(Duration.ofSeconds(30), s.coolDown());
            assertEquals(200, s.drift().windowSize());
            assertEquals(50, s.drift().minRecords());
            assertEquals(Duration.ofMinutes(10), s.drift().rateLimit());
            assertTrue(s.signing().enabled());
        }
    }

    @Test
    void outputOptionsBindWithLeanDefaultsAndBadValuesNameTheKey() {
        try (ApplicationContext ctx = Startup.run(Map.of())) {
            OutputOptions o = ctx.getBean(DetectorConfiguration.class).detectorSettings().output();
            assertEquals(OutputOptions.Contributions.ALERTS, o.contributions());
            assertEquals(List.of("traceparent", "tracestate"), o.carriedHeaders());
            assertEquals(1024, o.maxCarriedHeaderBytes());
        }
        try (ApplicationContext ctx = Startup.run(Map.of("normalcy.detector.output.contributions", "All",
                "normalcy.detector.output.carried-headers", "traceparent,baggage",
                "normalcy.detector.output.max-carried-header-bytes", "256"))) {
            OutputOptions o = ctx.getBean(DetectorConfiguration.class).detectorSettings().output();
            assertEquals(OutputOptions.Contributions.ALL, o.contributions());
            assertEquals(List.of("traceparent", "baggage"), o.carriedHeaders());
            assertEquals(256, o.maxCarriedHeaderBytes());
        }
        try (ApplicationContext ctx = Startup.run(Map.of("normalcy.detector.output.carried-headers", "none"))) {
            assertEquals(List.of(), ctx.getBean(DetectorConfiguration.class).detectorSettings().output()
                    .carriedHeaders());
        }
        String m = Startup.failure("normalcy.detector.output.contributions", "some");
        assertTrue(m.contains("normalcy.detector.output.contributions must be all, alerts or none"), m);
        m = Startup.failure("normalcy.detector.output.max-carried-header-bytes", "0");
        assertTrue(m.contains("normalcy.detector.output.max-carried-header-bytes"), m);
        m = Startup.failure("normalcy.detector.output.max-carried-header-bytes", "big");
        assertTrue(m.contains("normalcy.detector.output.max-carried-header-bytes"), m);
    }

    @Test
    void constraintViolationsNameTheKey() {
        assertTrue(Startup.failure("normalcy.detector.top-features", "0").contains("topFeatures"));
        assertTrue(Startup.failure("normalcy.detector.drift.rate-factor", "0.5").contains("rateFactor"));
        assertTrue(Startup.failure("normalcy.detector.topics.inputs", "bad topic!").contains("inputs"));
    }

    @Test
    void unparsableValuesNameTheKey() {
        String m = Startup.failure("normalcy.detector.cool-down", "soon");
        assertTrue(m.contains("cool-down") || m.contains("coolDown"), m);
        m = Startup.failure("normalcy.detector.session-timeout", "quick");
        assertTrue(m.contains("normalcy.detector.session-timeout"), m);
    }

    @Test
    void membershipOutsideTheBrokersBoundsOrWithABadIdStopsStartUpNamingTheKey() {
        String m = Startup.failure("normalcy.detector.session-timeout", "5s");
        assertTrue(m.contains("normalcy.detector.session-timeout must be between 6s and 30m"), m);
        assertTrue(Startup.failure("normalcy.detector.session-timeout", "31m")
                .contains("normalcy.detector.session-timeout"));
        assertTrue(Startup.failure("normalcy.detector.instance-id", "pod 1/x")
                .contains("normalcy.detector.instance-id must be 1-200 characters of [A-Za-z0-9._-]"));
    }

    @Test
    void inconsistentValuesNameTheKey() {
        Exception e = assertThrows(Exception.class, () -> Startup.run(Map.of("normalcy.detector.drift.window-size", "100",
                "normalcy.detector.drift.min-records", "500")).close());
        StringBuilder m = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            m.append(t.getMessage());
        }
        assertTrue(m.toString().contains("normalcy.detector.drift.min-records"), m.toString());
        assertTrue(Startup.failure("normalcy.detector.signing.ed25519-public-key", "not-a-key")
                .contains("normalcy.detector.signing.ed25519-public-key"));
    }

    @Test
    void registryIsOffByDefaultAndItsSettingsAreValidatedNamingTheKey() {
        try (ApplicationContext ctx = Startup.run(Map.of())) {
            assertFalse(ctx.containsBean(io.normalcy.schemas.registry.SchemaRegistryClient.class));
        }
        try (ApplicationContext ctx = Startup.run(Map.of("normalcy.detector.registry.url", "http://registry:8081/",
                "normalcy.detector.registry.bearer-token", "t0ken", "normalcy.detector.registry.cache-size", "50"))) {
            var s = ctx.getBean(io.normalcy.schemas.registry.SchemaRegistryClient.class).settings();
            assertEquals("http://registry:8081", s.url().toString());
            assertEquals("t0ken", s.bearerToken());
            assertEquals(50, s.cacheSize());
        }
        String url = "normalcy.detector.registry.url";
        assertTrue(Startup.failure(url, "ftp://registry").contains(url));
        assertTrue(Startup.failure(Map.of(url, "http://r:8081", "normalcy.detector.registry.username", "u"))
                .contains("normalcy.detector.registry.password"));
        assertTrue(Startup.failure(Map.of(url, "http://r:8081", "normalcy.detector.registry.max-block", "soon"))
                .contains("normalcy.detector.registry.max-block"));
        String tooLong = Startup.failure(Map.of(url, "http://r:8081", "kafka.bootstrap.servers", "localhost:9",
                "normalcy.detector.registry.max-block", "8s"));
        assertTrue(tooLong.contains("normalcy.detector.registry.max-block") && tooLong.contains("transaction.timeout.ms"),
                tooLong);
    }
}
