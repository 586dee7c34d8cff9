package io.normalcy.trainer.config;

import io.micronaut.context.ApplicationContext;
import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.train.TrainingEngine;
import io.normalcy.schemas.derived.HistoryLimit;
import io.normalcy.trainer.job.FitConfigs;
import io.normalcy.trainer.service.KafkaSettings;
import io.normalcy.testkit.EnvironmentVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigValidationTest {
    private static Map<String, Object> base() {
        Map<String, Object> m = new HashMap<>();
        m.put("normalcy.trainer.models.payments.features", List.of("amount", "count"));
        m.put("normalcy.trainer.models.payments.integerFeatures", "count");
        m.put("normalcy.trainer.models.payments.log1p-features", List.of("amount"));
        m.put("normalcy.trainer.models.payments.categorical-context", List.of("region"));
        m.put("normalcy.trainer.models.payments.cyclic-context", List.of("@hourOfDay"));
        m.put("normalcy.trainer.models.payments.hidden", List.of(16, 16));
        m.put("normalcy.trainer.models.payments.epochs", 3);
        return m;
    }

    private static String startupError(Map<String, Object> props) {
        Throwable t = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(props).deduceEnvironment(false).start()) {
                ctx.getBean(ModelRegistry.class);
            }
        });
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    @Test
    void goodConfigurationBindsTypedDefinitions() {
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(base()).deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertEquals(List.of("amount", "count"), d.features());
            assertEquals(List.of("count"), d.integerFeatures());
            assertEquals(List.of(16, 16), d.hidden());
            assertEquals(3, d.epochs());
            assertEquals(24.0, d.cyclicContext().get(0).period());
            assertEquals(List.of(0.01, 0.001), d.levels());
        }
    }

    @Test
    void orderingReachesTheFitAndABadOneStopsStartUp() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.ordering", "alternating");
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(p).deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertEquals(io.normalcy.flow.model.Ordering.ALTERNATING,
                    io.normalcy.trainer.job.FitConfigs.from(d).ordering());
        }
        assertEquals(io.normalcy.flow.model.Ordering.NATURAL, io.normalcy.trainer.job.FitConfigs.from(
                ModelDefinition.defaults("m").withFeatures(List.of("x"))).ordering());
        p.put("normalcy.trainer.models.payments.ordering", "sideways");
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments.ordering"), msg);
    }

    @Test
    void limitsOfTheFitStopStartUpNotTheFirstTraining() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.blocks", 100);
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments") && msg.contains("blocks must be in [1, 64]"), msg);
    }

    @Test
    void warmStartDefaultsOnAndANonBooleanStopsStartUpNamingIt() {
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(base()).deduceEnvironment(false).start()) {
            assertTrue(ctx.getBean(ModelRegistry.class).find("payments").orElseThrow().warmStart());
        }
        Map<String, Object> off = base();
        off.put("normalcy.trainer.models.payments.warm-start", false);
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(off).deduceEnvironment(false).start()) {
            assertFalse(ctx.getBean(ModelRegistry.class).find("payments").orElseThrow().warmStart());
        }
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.warm-start", "sometimes");
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments.warm-start"), msg);
    }

    /**
     * Issue 13: {@code calibrate-on-validation} defaults on, false reaches the fit (thresholds on the hold-out alone),
     * a per-request override may set it, and a value that is not a boolean stops start-up naming the key.
     */
    @Test
    void calibrateOnValidationDefaultsOnReachesTheFitAndANonBooleanStopsStartUpNamingIt() {
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(base()).deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertTrue(d.calibrateOnValidation());
            assertTrue(FitConfigs.from(d).calibrateOnValidation());
            ModelDefinition off = Parameters.apply(d, Map.of("calibrate-on-validation", "false"), "overrides.");
            assertFalse(FitConfigs.from(off).calibrateOnValidation(), "a retrain override reaches the fit");
            assertEquals("false", off.asMap().get("calibrate-on-validation"));
            ConfigException bad = assertThrows(ConfigException.class,
                    () -> Parameters.apply(d, Map.of("calibrate-on-validation", "yes"), "overrides."));
            assertTrue(bad.getMessage().contains("overrides.calibrate-on-validation"), bad.getMessage());
        }
        Map<String, Object> off = base();
        off.put("normalcy.trainer.models.payments.calibrate-on-validation", false);
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(off).deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertFalse(d.calibrateOnValidation());
            assertFalse(FitConfigs.from(d).calibrateOnValidation());
            assertEquals("false", FitConfigs.from(d).describe().get("calibrateOnValidation"), "recorded in provenance");
        }
        Map<String, Object> on = base();
        on.put("normalcy.trainer.models.payments.calibrate-on-validation", "true");
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(on).deduceEnvironment(false).start()) {
            assertTrue(FitConfigs.from(ctx.getBean(ModelRegistry.class).find("payments").orElseThrow())
                    .calibrateOnValidation());
        }
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.calibrate-on-validation", "sometimes");
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments.calibrate-on-validation"), msg);
    }

    @Test
    void unknownModelKeyStopsStartUpNamingIt() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.epocs", 5);
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments.epocs"), msg);
    }

    @Test
    void outOfRangeValueStopsStartUpNamingIt() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.epochs", 0);
        String msg = startupError(p);
        assertTrue(msg.contains("normalcy.trainer.models.payments.epochs: must be >= 1"), msg);
    }

    @Test
    void levelOutsideUnitIntervalIsRejected() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.models.payments.levels", List.of(0.01, 1.5));
        assertTrue(startupError(p).contains("normalcy.trainer.models.payments.levels: level 1.5 is not in (0, 1)"));
    }

    @Test
    void integerFeatureThatIsNotAFeatureIsRejected() {
        Map<String, Object> p = base();
        p.remove("normalcy.trainer.models.payments.integerFeatures");
        p.put("normalcy.trainer.models.payments.integer-features", "amonut");
        assertTrue(startupError(p).contains("normalcy.trainer.models.payments.integer-features: 'amonut' is not one of the features"));
    }

    @Test
    void unknownServiceKeyIsRejected() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.isolaton", "process");
        assertTrue(startupError(p).contains("normalcy.trainer.isolaton: unknown key"));
    }

    @Test
    void flowTypeDefaultsToMafMogAndAcceptsItsDashedName() {
        ModelDefinition d = ModelDefinition.defaults("m");
        assertEquals(FlowType.MAF_MOG, d.flowType());
        assertEquals(FlowType.MAF_MOG, Parameters.apply(d, Map.of("flow-type", "maf-mog"), "overrides.").flowType());
        assertEquals(FlowType.MAF, Parameters.apply(d, Map.of("flow-type", "maf"), "overrides.").flowType());
        ConfigException e = assertThrows(ConfigException.class,
                () -> Parameters.apply(d, Map.of("flow-type", "glow"), "overrides."));
        assertEquals("overrides.flow-type", e.key());
    }

    @Test
    void overridesUseTheSameParserAndNameTheKey() {
        ModelDefinition d = ModelDefinition.defaults("m");
        ModelDefinition o = Parameters.apply(d, Map.of("epochs", "7", "hidden", "8,8", "flow-type", "realnvp"), "overrides.");
        assertEquals(7, o.epochs());
        assertEquals(List.of(8, 8), o.hidden());
        assertEquals(FlowType.REALNVP, o.flowType());
        ConfigException e = assertThrows(ConfigException.class, () -> Parameters.apply(d, Map.of("learningrate", "1"), "overrides."));
        assertEquals("overrides.learningrate", e.key());
        ConfigException e2 = assertThrows(ConfigException.class, () -> Parameters.apply(d, Map.of("blocks", "four"), "overrides."));
        assertEquals("overrides.blocks: 'four' is not an integer", e2.getMessage());
        ConfigException e3 = assertThrows(ConfigException.class, () -> Parameters.apply(d, Map.of("window", "24h"), "overrides."));
        assertEquals("overrides.window", e3.key());
    }

    @Test
    void environmentVariablesConfigureServiceModelsAndKafka() {
        Map<String, Object> vars = new HashMap<>();
        vars.put("NORMALCY_TRAINER_ARTIFACT_DIR", "/var/lib/normalcy/models");
        vars.put("NORMALCY_TRAINER_INSTANCE_ID", "trainer-7");
        vars.put("NORMALCY_TRAINER_MODELS_PAYMENTS_FEATURES", "amount,itemCount");
        vars.put("NORMALCY_TRAINER_MODELS_PAYMENTS_INTEGER_FEATURES", "itemCount");
        vars.put("NORMALCY_TRAINER_MODELS_PAYMENTS_CATEGORICAL_CONTEXT", "entityType,region");
        vars.put("NORMALCY_TRAINER_MODELS_PAYMENTS_CYCLIC_CONTEXT", "@hourOfDay");
        vars.put("NORMALCY_TRAINER_MODELS_PAYMENTS_MIN_CONTEXT_SAMPLES", "200");
        vars.put("KAFKA_BOOTSTRAP_SERVERS", "broker:9093");
        vars.put("KAFKA_SECURITY_PROTOCOL", "SASL_SSL");
        vars.put("KAFKA_SSL_TRUSTSTORE_LOCATION", "/tls/ts.p12");
        vars.put("NORMALCY_TRAINER_REGISTRY_URL", "http://registry:8081");
        vars.put("NORMALCY_TRAINER_REGISTRY_BEARER_TOKEN", "t0ken");
        vars.put("NORMALCY_TRAINER_REGISTRY_MAX_BLOCK", "1m");
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").deduceEnvironment(false)
                .propertySources(EnvironmentVariables.of("test-env", vars)).start()) {
            TrainerConfig config = ctx.getBean(TrainerConfig.class);
            assertEquals("/var/lib/normalcy/models", config.artifactDir());
            assertEquals("trainer-7", config.instanceId());
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertEquals(List.of("amount", "itemCount"), d.features());
            assertEquals(List.of("itemCount"), d.integerFeatures());
            assertEquals(List.of("entityType", "region"), d.categoricalContext());
            assertEquals(200, d.minContextSamples());
            assertEquals(List.of("payments"), ctx.getBean(ModelRegistry.class).names());
            var registry = ctx.getBean(io.normalcy.schemas.registry.SchemaRegistryClient.class).settings();
            assertEquals("t0ken", registry.bearerToken());
            assertEquals(java.time.Duration.ofMinutes(1), registry.maxBlock());
            KafkaSettings kafka = ctx.getBean(KafkaSettings.class);
            for (Map<String, Object> client : List.of(kafka.admin(), kafka.consumer("c"), kafka.producer("p"))) {
                assertEquals("broker:9093", client.get("bootstrap.servers"));
                assertEquals("SASL_SSL", client.get("security.protocol"));
                assertEquals("/tls/ts.p12", client.get("ssl.truststore.location"));
                assertTrue(client.keySet().stream().noneMatch(k -> k.indexOf('-') >= 0), "kebab variants: " + client);
            }
        }
    }

    @Test
    void registryKeyStorePasswordWithoutItsKeyStoreStopsStartUpNamingTheKey() {
        Map<String, Object> vars = new HashMap<>(Map.of("NORMALCY_TRAINER_REGISTRY_URL", "https://registry:8081",
                "NORMALCY_TRAINER_REGISTRY_KEYSTORE_PASSWORD", "secret"));
        Throwable t = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").deduceEnvironment(false)
                    .propertySources(EnvironmentVariables.of("test-env", vars)).start()) {
                ctx.getBean(io.normalcy.schemas.registry.SchemaRegistryClient.class);
            }
        });
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        assertTrue(sb.toString().contains("normalcy.trainer.registry.keystore-password is set but "
                + "normalcy.trainer.registry.keystore is not"), sb.toString());
    }

    @Test
    void misspelledEnvironmentVariableStillStopsStartUp() {
        Map<String, Object> vars = new HashMap<>(Map.of("NORMALCY_TRAINER_ARTIFACT_DIRECTORY", "/x"));
        Throwable t = assertThrows(RuntimeException.class, () -> {
            try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").deduceEnvironment(false)
                    .propertySources(EnvironmentVariables.of("test-env", vars)).start()) {
                ctx.getBean(ModelRegistry.class);
            }
        });
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        assertTrue(sb.toString().contains("normalcy.trainer.artifact-directory"), sb.toString());
    }

    @Test
    void registrySettingsBindAndABadOneStopsStartUpNamingTheKey() {
        Map<String, Object> p = base();
        p.put("normalcy.trainer.registry.url", "https://registry.example:8081");
        p.put("normalcy.trainer.registry.username", "normalcy");
        p.put("normalcy.trainer.registry.password", "pw");
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(p).deduceEnvironment(false).start()) {
            var s = ctx.getBean(io.normalcy.schemas.registry.SchemaRegistryClient.class).settings();
            assertEquals("normalcy", s.username());
            assertEquals(java.time.Duration.ofSeconds(30), s.maxBlock());
        }
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(base()).deduceEnvironment(false).start()) {
            assertTrue(ctx.findBean(io.normalcy.schemas.registry.SchemaRegistryClient.class).isEmpty());
        }
        Map<String, Object> bad = base();
        bad.put("normalcy.trainer.registry.url", "registry:8081");
        assertTrue(startupError(bad).contains("normalcy.trainer.registry.url"));
        Map<String, Object> half = base();
        half.put("normalcy.trainer.registry.url", "http://registry:8081");
        half.put("normalcy.trainer.registry.bearer-token", "t");
        half.put("normalcy.trainer.registry.username", "u");
        half.put("normalcy.trainer.registry.password", "p");
        assertTrue(startupError(half).contains("normalcy.trainer.registry.bearer-token"));
    }

    /** Issue 12: derived features are validated at start-up, naming the key. */
    @Test
    void derivedFeaturesAreCheckedAtStartUp() {
        Map<String, Object> ok = base();
        ok.put("normalcy.trainer.models.payments.derived", List.of("amount.mean_10", "amount.diff", "since_previous"));
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(ok)
                .deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertEquals(List.of("amount", "count", "amount.mean_10", "amount.diff", "since_previous"),
                    d.modelFeatures());
        }
        Map<String, Object> badName = base();
        badName.put("normalcy.trainer.models.payments.derived", List.of("amount.median_3"));
        String e = startupError(badName);
        assertTrue(e.contains("normalcy.trainer.models.payments.derived") && e.contains("amount.median_3"), e);
        Map<String, Object> badSource = base();
        badSource.put("normalcy.trainer.models.payments.derived", List.of("cpu.diff"));
        e = startupError(badSource);
        assertTrue(e.contains("normalcy.trainer.models.payments.derived") && e.contains("'cpu'"), e);
        Map<String, Object> inferred = base();
        inferred.remove("normalcy.trainer.models.payments.features");
        inferred.remove("normalcy.trainer.models.payments.integerFeatures");
        inferred.remove("normalcy.trainer.models.payments.log1p-features");
        inferred.put("normalcy.trainer.models.payments.derived", List.of("amount.diff"));
        e = startupError(inferred);
        assertTrue(e.contains("normalcy.trainer.models.payments.features"), e);
    }

    /**
     * A per-model setting that reaches the fit: under {@code normalcy.trainer.models.payments.}{@code key}, the
     * {@code good} value gives {@code expected} in the definition and in the fit config (from the configuration and as
     * a request override), its absence gives {@code byDefault}, and each {@code bad} value (→ how the error shows it)
     * stops start-up naming the key.
     */
    private record FitSetting(String key, String good, Object expected, Object byDefault,
                              Function<ModelDefinition, Object> inDefinition, Function<FitConfig, Object> inFit,
                              Map<String, String> bad) {
        @Override
        public String toString() {
            return key;
        }
    }

    /**
     * Issue 13: the expected share of anomalies in the history ({@code contamination}) and K of the MAF_MOG mixture
     * base ({@code components}); issue 14: how the fit computes gradients ({@code training-engine}).
     */
    static Stream<FitSetting> fitSettings() {
        return Stream.of(
                new FitSetting("contamination", "0.02", 0.02, 0.0, ModelDefinition::contamination,
                        FitConfig::contamination, Map.of("0.3", "0.3")),
                new FitSetting("components", "5", 5, 3, ConfigValidationTest::componentsOrFitDefault,
                        FitConfig::components, Map.of("0", "0", "65", "65", "three", "three")),
                new FitSetting("training-engine", "samediff", TrainingEngine.SAMEDIFF, TrainingEngine.AUTO,
                        ModelDefinition::trainingEngine, FitConfig::engine, Map.of("gpu", "'gpu'")));
    }

    /** K as the fit sees it: {@code auto} (the default) is the fit's default K. */
    private static Object componentsOrFitDefault(ModelDefinition d) {
        return d.components() == ModelDefinition.SIZED ? FitConfig.builder().build().components() : d.components();
    }

    /**
     * Issue 13 item 3: {@code components} left {@code auto} (the default) reaches the fit unset, so flow auto tries a
     * second K as it does from the CLI; a number fixes K.
     */
    @Test
    void componentsAutoLeavesKToTheFitAndANumberFixesIt() {
        ModelDefinition defaults = ModelDefinition.defaults("m");
        assertEquals(ModelDefinition.SIZED, defaults.components());
        assertEquals(false, FitConfigs.from(defaults).componentsSet(), "the default leaves K to the fit");
        assertEquals("auto", defaults.asMap().get("components"));
        ModelDefinition auto = Parameters.apply(defaults, Map.of("components", "auto"), "overrides.");
        assertEquals(false, FitConfigs.from(auto).componentsSet());
        ModelDefinition fixed = Parameters.apply(defaults, Map.of("components", "4"), "overrides.");
        assertEquals(true, FitConfigs.from(fixed).componentsSet());
        assertEquals(4, FitConfigs.from(fixed).components());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fitSettings")
    void aFitSettingReachesTheFitAndABadValueStopsStartUpNamingTheKey(FitSetting setting) {
        String key = "normalcy.trainer.models.payments." + setting.key();
        Map<String, Object> ok = base();
        ok.put(key, setting.good());
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(ok)
                .deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertEquals(setting.expected(), setting.inDefinition().apply(d));
            assertEquals(setting.expected(), setting.inFit().apply(FitConfigs.from(d)));
        }
        ModelDefinition defaults = ModelDefinition.defaults("m");
        assertEquals(setting.byDefault(), setting.inDefinition().apply(defaults), "the default");
        assertEquals(setting.byDefault(), setting.inFit().apply(FitConfigs.from(defaults)), "the default");
        ModelDefinition overridden = Parameters.apply(defaults, Map.of(setting.key(), setting.good()), "overrides.");
        assertEquals(setting.expected(), setting.inFit().apply(FitConfigs.from(overridden)), "as an override");
        setting.bad().forEach((bad, shown) -> {
            Map<String, Object> config = base();
            config.put(key, bad);
            String e = startupError(config);
            assertTrue(e.contains(key) && e.contains(shown), e);
        });
    }

    /** Issue 12 item 4: missing-value policies reach the fit, default dead-letter, and bad ones name their key. */
    @Test
    void missingValuePoliciesReachTheFitAndAreCheckedAtStartUp() {
        String m = "normalcy.trainer.models.payments.";
        Map<String, Object> ok = base();
        ok.put(m + "missing-default", "skip");
        ok.put(m + "missing-impute", List.of("amount"));
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(ok)
                .deduceEnvironment(false).start()) {
            ModelDefinition d = ctx.getBean(ModelRegistry.class).find("payments").orElseThrow();
            assertEquals(Map.of("amount", io.normalcy.flow.model.MissingPolicy.IMPUTE,
                    "count", io.normalcy.flow.model.MissingPolicy.SKIP),
                    io.normalcy.trainer.job.FitConfigs.from(d).missing());
        }
        assertEquals(Map.of(), io.normalcy.trainer.job.FitConfigs.from(ModelDefinition.defaults("m")).missing(),
                "default: every feature dead-lettered, as before");
        Map<String, Object> badValue = base();
        badValue.put(m + "missing-default", "drop");
        String e = startupError(badValue);
        assertTrue(e.contains(m + "missing-default") && e.contains("'drop'"), e);
        Map<String, Object> unknown = base();
        unknown.put(m + "missing-skip", List.of("amout"));
        e = startupError(unknown);
        assertTrue(e.contains(m + "missing-skip") && e.contains("'amout'"), e);
        Map<String, Object> twice = base();
        twice.put(m + "missing-skip", List.of("amount"));
        twice.put(m + "missing-impute", List.of("amount"));
        e = startupError(twice);
        assertTrue(e.contains(m + "missing-skip") && e.contains("already"), e);
        Map<String, Object> derivedSource = base();
        derivedSource.put(m + "derived", List.of("amount.diff"));
        derivedSource.put(m + "missing-impute", List.of("amount"));
        e = startupError(derivedSource);
        assertTrue(e.contains(m + "missing-impute") && e.contains("feeds derived features"), e);
        Map<String, Object> derivedName = base();
        derivedName.put(m + "derived", List.of("amount.diff"));
        derivedName.put(m + "missing-skip", List.of("amount.diff"));
        e = startupError(derivedName);
        assertTrue(e.contains(m + "missing-skip") && e.contains("derived features are computed"), e);
        Map<String, Object> inferred = base();
        inferred.remove(m + "features");
        inferred.remove(m + "integerFeatures");
        inferred.remove(m + "log1p-features");
        inferred.put(m + "missing-default", "impute");
        e = startupError(inferred);
        assertTrue(e.contains(m + "features") && e.contains("missing-value policies"), e);
    }

    /**
     * Issue 12: the bound of each entity's derived-feature history is the detector's keys under
     * {@code normalcy.trainer.history}, same ranges; a bad value or an unknown key stops start-up naming the key.
     */
    @Test
    void historyLimitBindsAndABadOneStopsStartUpNamingTheKey() {
        Map<String, Object> ok = base();
        ok.put(HistoryConfig.MAX_EVENTS, "200");
        ok.put(HistoryConfig.MAX_BYTES, "65536");
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(ok)
                .deduceEnvironment(false).start()) {
            assertEquals(new HistoryLimit(200, 65_536), ctx.getBean(HistoryConfig.class).limit());
        }
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").properties(base())
                .deduceEnvironment(false).start()) {
            assertEquals(HistoryLimit.DEFAULT, ctx.getBean(HistoryConfig.class).limit(), "the detector's default");
        }
        Map<String, Object> vars = Map.of("NORMALCY_TRAINER_HISTORY_MAX_EVENTS_PER_ENTITY", "50");
        try (ApplicationContext ctx = ApplicationContext.builder().environments("cli").deduceEnvironment(false)
                .propertySources(EnvironmentVariables.of("test-env", vars)).start()) {
            assertEquals(50, ctx.getBean(HistoryConfig.class).limit().maxEvents());
        }
        Map<String, List<String>> bad = Map.of(HistoryConfig.MAX_EVENTS, List.of("0", "1001", "many"),
                HistoryConfig.MAX_BYTES, List.of("4095", "1000001"));
        bad.forEach((key, values) -> values.forEach(value -> {
            Map<String, Object> config = base();
            config.put(key, value);
            String e = startupError(config);
            assertTrue(e.contains(key) && e.contains(value), e);
        }));
        Map<String, Object> misspelled = base();
        misspelled.put("normalcy.trainer.history.max-event-per-entity", "200");
        String e = startupError(misspelled);
        assertTrue(e.contains("normalcy.trainer.history.max-event-per-entity: unknown key"), e);
    }
}
