package io.normalcy.flow.state;

import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.fit.ModelFitter;
import io.normalcy.flow.fit.RawRecord;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Regenerates the committed golden models and their expected log-densities, which {@link GoldenModelTest} checks
 * on every build: {@code src/test/resources/golden/model-v1.avro} (MAF, format version 1) with
 * {@code golden/model-v1-expected.csv}, and {@code golden/model-v2.avro} (MAF_MOG, format version 2) with
 * {@code golden/model-v2-expected.csv}, and {@code golden/model-v3.avro} (MAF_MOG with a derived feature, format
 * version 3) with {@code golden/model-v3-expected.csv}, and {@code golden/model-v4.avro} (MAF with missing-value
 * policies, format version 4) with {@code golden/model-v4-expected.csv}, and {@code golden/model-v5.avro} (MAF with
 * two categorical fields and combination thresholds, format version 5) with {@code golden/model-v5-expected.csv}.
 * Pass {@code v1} … {@code v5} as second argument to regenerate one only (default: v5). Not part
 * of the normal suite (the class name does not end in {@code Test}, and the test is gated). Regenerate only when
 * the format or the math changes on purpose, and then bump {@link ModelStateMapper#FORMAT_VERSION} if old files can
 * no longer be read:
 * <pre>
 * ./mvnw -o -pl flow test -Dtest=GoldenModelGenerator -Dnormalcy.regenerateGolden=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * (regenerates v5, the current format; a released version's file is only regenerated on purpose, by running
 * {@link #main} with arguments {@code src/test/resources v1} … {@code v4}).
 * <pre>
 * </pre>
 * (or run {@link #main} from an IDE with the module directory as working directory).
 */
public final class GoldenModelGenerator {
    static final String MODEL = "golden/model-v1.avro";
    static final String EXPECTED = "golden/model-v1-expected.csv";
    static final String MODEL_V2 = "golden/model-v2.avro";
    static final String EXPECTED_V2 = "golden/model-v2-expected.csv";
    static final String MODEL_V3 = "golden/model-v3.avro";
    static final String EXPECTED_V3 = "golden/model-v3-expected.csv";
    static final String MODEL_V4 = "golden/model-v4.avro";
    static final String EXPECTED_V4 = "golden/model-v4-expected.csv";
    static final String MODEL_V5 = "golden/model-v5.avro";
    static final String EXPECTED_V5 = "golden/model-v5-expected.csv";
    /** The v3 golden model's derived feature (format 3, issue 12). */
    static final String DERIVED = "amount.mean_5";

    @Test
    @EnabledIfSystemProperty(named = "normalcy.regenerateGolden", matches = "true")
    void regenerate() throws Exception {
        main(new String[0]);
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : "src/test/resources");
        String which = args.length > 1 ? args[1] : "v5";
        if (which.equals("v1")) {
            generate(root, FlowType.MAF, MODEL, EXPECTED);
        }
        if (which.equals("v2")) {
            generate(root, FlowType.MAF_MOG, MODEL_V2, EXPECTED_V2);
        }
        if (which.equals("v3")) {
            generateDerived(root);
        }
        if (which.equals("v4")) {
            generateMissing(root);
        }
        if (which.equals("v5")) {
            generateCombinations(root);
        }
    }

    /**
     * Format 5 (issue 13 item 4): {@link #channelData} (shop × channel) fitted as MAF with a 40 % calibration
     * hold-out, so that the shop × channel combinations with enough held-out rows get thresholds of their own (the
     * rare channel {@code phone} does not). The expected file records each row's scores and its evaluation
     * (severity, threshold, scope, p-value); the inputs include shifted rows so that every level alerts.
     */
    static void generateCombinations(Path root) throws IOException {
        FitConfig config = FitConfig.builder().flowType(FlowType.MAF).features(List.of("amount", "count", "ratio"))
                .integerFeatures(Set.of("count")).log1pFeatures(Set.of("amount"))
                .categoricalContext(List.of("shop", "channel")).numericContext(List.of("temp"))
                .blocks(2).hidden(8, 8).epochs(3).patience(3).batchSize(64).learningRate(3e-3)
                .trainFraction(0.5).validationFraction(0.1).minContextSamples(20).seed(2024).build();
        NormalcyModel model = new ModelFitter().fit("golden", 1, channelData(3000, 99), config, null).model();
        NormalcyModel loaded = saveAndReload(model, root.resolve(MODEL_V5));
        Scorer scorer = loaded.newScorer();
        try (Writer w = Files.newBufferedWriter(root.resolve(EXPECTED_V5), StandardCharsets.UTF_8)) {
            w.write("amount,count,ratio,shop,channel,temp,event_time,log_density,contrib_amount,contrib_count,"
                    + "contrib_ratio,severity,threshold,scope,p_value\n");
            List<RawRecord> inputs = channelData(60, 7);
            for (int i = 0; i < inputs.size(); i++) {
                RawRecord r = inputs.get(i);
                Map<String, Double> f = new HashMap<>(r.features());
                f.put("ratio", f.get("ratio") + (i % 4) * 0.35); // 0, 1.4, 2.8, 4.2 sd: normal to critical
                Score s = scorer.score(f, r.context(), r.contextNumeric(), r.eventTime());
                io.normalcy.flow.model.Evaluation e = loaded.thresholds().evaluate(s.logDensity(), r.context());
                w.write(f.get("amount") + "," + f.get("count") + "," + f.get("ratio") + "," + r.context().get("shop")
                        + "," + r.context().get("channel") + "," + r.contextNumeric().get("temp") + ","
                        + r.eventTime() + "," + s.logDensity() + "," + s.contributions()[0] + ","
                        + s.contributions()[1] + "," + s.contributions()[2] + "," + e.severity() + ","
                        + e.threshold() + "," + e.scope().replace(',', ';') + "," + e.pValue() + "\n");
            }
        }
    }

    /**
     * {@link #data} with a second categorical field, channel: web (60 %), app (37 %) or phone (3 %); ratio sits
     * 0.25 higher on app, so the shop × channel combinations differ.
     */
    static List<RawRecord> channelData(int n, long seed) {
        Random rng = new Random(seed + 1);
        List<RawRecord> out = new ArrayList<>();
        for (RawRecord r : data(n, seed)) {
            double u = rng.nextDouble();
            String channel = u < 0.6 ? "web" : u < 0.97 ? "app" : "phone";
            Map<String, Double> f = new HashMap<>(r.features());
            f.put("ratio", f.get("ratio") + (channel.equals("app") ? 0.25 : 0));
            out.add(new RawRecord(f, Map.of("shop", r.context().get("shop"), "channel", channel), r.contextNumeric(),
                    r.eventTime()));
        }
        return out;
    }

    /**
     * Format 4 (issue 12 item 4): the v1 data fitted as MAF with missing-value policies {@code amount: impute} and
     * {@code ratio: skip}. The expected file leaves {@code amount} empty in every third row and {@code ratio} in every
     * fifth: those rows are imputed (scores recorded) or skipped (no score), so the test checks the stored medians
     * and the policies as well as the scores.
     */
    static void generateMissing(Path root) throws IOException {
        FitConfig config = FitConfig.builder().flowType(FlowType.MAF).features(List.of("amount", "count", "ratio"))
                .integerFeatures(Set.of("count")).log1pFeatures(Set.of("amount"))
                .categoricalContext(List.of("shop")).numericContext(List.of("temp"))
                .blocks(2).hidden(8, 8).epochs(3).patience(3).batchSize(64).learningRate(3e-3)
                .minContextSamples(20).seed(2024)
                .missing(Map.of("amount", io.normalcy.flow.model.MissingPolicy.IMPUTE,
                        "ratio", io.normalcy.flow.model.MissingPolicy.SKIP)).build();
        NormalcyModel model = new ModelFitter().fit("golden", 1, data(600, 99), config, null).model();
        NormalcyModel loaded = saveAndReload(model, root.resolve(MODEL_V4));
        Scorer scorer = loaded.newScorer();
        try (Writer w = Files.newBufferedWriter(root.resolve(EXPECTED_V4), StandardCharsets.UTF_8)) {
            w.write("amount,count,ratio,shop,temp,event_time,outcome,log_density,contrib_amount,contrib_count,"
                    + "contrib_ratio\n");
            List<RawRecord> inputs = data(40, 7);
            for (int i = 0; i < inputs.size(); i++) {
                RawRecord r = inputs.get(i);
                Map<String, Double> f = new HashMap<>(r.features());
                if (i % 3 == 0) {
                    f.remove("amount");
                }
                if (i % 5 == 0) {
                    f.remove("ratio");
                }
                String cells = cell(f, "amount") + "," + f.get("count") + "," + cell(f, "ratio") + ","
                        + r.context().get("shop") + "," + r.contextNumeric().get("temp") + "," + r.eventTime() + ",";
                try {
                    Score s = scorer.score(f, r.context(), r.contextNumeric(), r.eventTime());
                    w.write(cells + (s.imputed().isEmpty() ? "scored" : "imputed") + "," + s.logDensity() + ","
                            + s.contributions()[0] + "," + s.contributions()[1] + "," + s.contributions()[2] + "\n");
                } catch (io.normalcy.flow.model.SkippedRecordException e) {
                    w.write(cells + "skipped,,,,\n");
                }
            }
        }
    }

    private static String cell(Map<String, Double> f, String name) {
        Double v = f.get(name);
        return v == null ? "" : v.toString();
    }

    /** {@code rows} of one entity, in order, with {@link #DERIVED} added by the shared derivation. */
    static List<RawRecord> withDerived(List<RawRecord> rows) {
        DerivedFeatures spec = DerivedFeatures.parse(List.of(DERIVED));
        EntityHistory h = null;
        List<RawRecord> out = new ArrayList<>();
        for (RawRecord r : rows) {
            DerivedFeatures.Derivation d = spec.derive(h, r.eventTime(), r.features());
            h = d.next();
            Map<String, Double> f = new HashMap<>(r.features());
            f.putAll(d.values());
            out.add(new RawRecord(f, r.context(), r.contextNumeric(), r.eventTime()));
        }
        return out;
    }

    /**
     * Format 3: the v2 data as one entity's history with {@link #DERIVED} as a fourth feature (MAF_MOG). The expected
     * file holds the raw inputs in order, the derived value and the scores, so the test checks the derivation too.
     */
    static void generateDerived(Path root) throws IOException {
        List<String> features = List.of("amount", "count", "ratio", DERIVED);
        FitConfig config = FitConfig.builder().flowType(FlowType.MAF_MOG).features(features)
                .integerFeatures(Set.of("count")).log1pFeatures(Set.of("amount"))
                .categoricalContext(List.of("shop")).numericContext(List.of("temp"))
                .blocks(2).hidden(8, 8).epochs(3).patience(3).batchSize(64).learningRate(3e-3)
                .minContextSamples(20).seed(2024).build();
        NormalcyModel model = new ModelFitter().fit("golden", 1, withDerived(data(600, 99)), config, null).model()
                .withDerived(DerivedFeatures.parse(List.of(DERIVED)));
        NormalcyModel loaded = saveAndReload(model, root.resolve(MODEL_V3));
        Scorer scorer = loaded.newScorer();
        try (Writer w = Files.newBufferedWriter(root.resolve(EXPECTED_V3), StandardCharsets.UTF_8)) {
            w.write("amount,count,ratio,shop,temp,event_time," + DERIVED + ",log_density,contrib_amount,contrib_count,"
                    + "contrib_ratio,contrib_derived\n");
            for (RawRecord r : withDerived(data(40, 7))) {
                Score s = scorer.score(r.features(), r.context(), r.contextNumeric(), r.eventTime());
                w.write(r.features().get("amount") + "," + r.features().get("count") + "," + r.features().get("ratio")
                        + "," + r.context().get("shop") + "," + r.contextNumeric().get("temp") + "," + r.eventTime()
                        + "," + r.features().get(DERIVED) + "," + s.logDensity() + "," + s.contributions()[0] + ","
                        + s.contributions()[1] + "," + s.contributions()[2] + "," + s.contributions()[3] + "\n");
            }
        }
    }

    /** Synthetic rows: amount (log-normal, log1p), count (integer), ratio | amount; shop A/B; temperature. */
    static List<RawRecord> data(int n, long seed) {
        Random rng = new Random(seed);
        List<RawRecord> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String shop = rng.nextInt(3) == 0 ? "B" : "A";
            double temp = 15 + 8 * rng.nextGaussian();
            double amount = Math.exp((shop.equals("B") ? 4 : 2.5) + 0.7 * rng.nextGaussian());
            double count = Math.floor(Math.abs(2 + 1.5 * rng.nextGaussian()));
            double ratio = 0.02 * temp + 0.1 * Math.log1p(amount) + 0.2 * rng.nextGaussian();
            rows.add(new RawRecord(Map.of("amount", amount, "count", count, "ratio", ratio), Map.of("shop", shop),
                    Map.of("temp", temp), 1_700_000_000_000L + 3_600_000L * i));
        }
        return rows;
    }

    static void generate(Path root, FlowType type, String modelName, String expectedName) throws IOException {
        FitConfig config = FitConfig.builder().flowType(type).features(List.of("amount", "count", "ratio"))
                .integerFeatures(Set.of("count")).log1pFeatures(Set.of("amount"))
                .categoricalContext(List.of("shop")).numericContext(List.of("temp"))
                .blocks(2).hidden(8, 8).epochs(3).patience(3).batchSize(64).learningRate(3e-3)
                .minContextSamples(20).seed(2024).build();
        NormalcyModel model = new ModelFitter().fit("golden", 1, data(600, 99), config, null).model();
        // expected values from a fresh load of the written file, on inputs not seen in training
        NormalcyModel loaded = saveAndReload(model, root.resolve(modelName));
        Scorer scorer = loaded.newScorer();
        try (Writer w = Files.newBufferedWriter(root.resolve(expectedName), StandardCharsets.UTF_8)) {
            w.write("amount,count,ratio,shop,temp,event_time,log_density,contrib_amount,contrib_count,contrib_ratio\n");
            List<RawRecord> inputs = new ArrayList<>(data(40, 7));
            inputs.add(new RawRecord(Map.of("amount", 0.0, "count", 0.0, "ratio", -3.0), Map.of("shop", "unseen"),
                    Map.of("temp", -40.0), 0L));
            inputs.add(new RawRecord(Map.of("amount", 1e6, "count", 40.0, "ratio", 5.0), Map.of("shop", "B"),
                    Map.of("temp", 45.0), 0L));
            for (RawRecord r : inputs) {
                Score s = scorer.score(r.features(), r.context(), r.contextNumeric(), r.eventTime());
                w.write(r.features().get("amount") + "," + r.features().get("count") + "," + r.features().get("ratio")
                        + "," + r.context().get("shop") + "," + r.contextNumeric().get("temp") + "," + r.eventTime()
                        + "," + s.logDensity() + "," + s.contributions()[0] + "," + s.contributions()[1] + ","
                        + s.contributions()[2] + "\n");
            }
        }
    }

    /** Writes {@code model} to {@code file} and reads it back, so the expected scores come from the stored model. */
    private static NormalcyModel saveAndReload(NormalcyModel model, Path file) throws IOException {
        ModelFiles.save(file, model);
        try {
            return ModelFiles.load(file);
        } catch (InvalidModelException e) {
            throw new IllegalStateException(e);
        }
    }
}
