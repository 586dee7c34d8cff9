package io.normalcy.trainer.config;

import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.train.TrainingEngine;

import io.normalcy.schemas.derived.DerivedFeatures;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything needed to train one model: its input contract (features, their preprocessing flags, context
 * fields) and its hyper-parameters. Built from configuration ({@code normalcy.trainer.models.<name>.*}) and
 * possibly changed per request by {@link Parameters#apply}, the one place it is parsed and validated; from there
 * the typed record travels as is (to a child training JVM as JSON, {@code io.normalcy.trainer.job.JobJson}) and
 * becomes flow's {@code FitConfig} in {@code FitConfigs}. An empty {@code features} list means "infer the
 * feature set from the first valid record" (sorted by name).
 *
 * <p>{@code flowType}: MAF_MOG (default), MAF or REALNVP. {@code ordering} (MAF and MAF_MOG): NATURAL keeps every
 * block's autoregressive order = the feature order, so the per-feature terms the detector reports are exact
 * conditionals log p(x_i | x_&lt;i, c). With MAF_MOG these conditionals are K-component mixtures, so a multi-modal
 * or skewed first feature is fitted too (KnownDensityRecoveryTest: within 0.01 nats where NATURAL MAF is 0.44
 * off); plain MAF's first feature is Gaussian given the context, which ALTERNATING or RANDOM ordering work around
 * at the price of explanations by position.
 *
 * <p>{@code flowType} null is {@code flow-type: auto}: the fit trains the candidate families and sizes within
 * {@code autoBudget} and keeps the best validation NLL ({@code io.normalcy.flow.fit.AutoSelection}). {@link #SIZED}
 * ({@code auto}) for {@code blocks}, {@code epochs} and {@code patience}, and an empty {@code hidden}, mean "sized
 * to the data" by flow's {@code SizeRule} from rows × features (the default); a number is used as is.
 *
 * <p>{@code derived}: features computed from each entity's recent history ({@code cpu.mean_10}, {@code cpu.diff},
 * {@code since_previous}, ...; {@code io.normalcy.schemas.derived.DerivedFeature}), appended to the raw
 * {@code features} as model columns ({@link #modelFeatures()}) and carried in the model so the detector computes
 * the same values. Requires declared {@code features}, which name the raw features the records carry.
 *
 * <p>{@code contamination}: the expected share of anomalies in the history (0 to 0.2); that share of the trainer
 * rows with the lowest log-density under a first fit is dropped before training goes on
 * ({@code io.normalcy.flow.fit.ContaminationTrim}).
 *
 * <p>{@code components}: K, the mixture components per conditional of the MAF_MOG base (1 to 64), or {@code auto}
 * ({@link #SIZED}, the default; also what a job file of an older trainer without the key reads as): the fit's default
 * K, and under {@code flow-type: auto} a second K is tried as well ({@code io.normalcy.flow.fit.AutoSelection}), as
 * sizes left {@code auto} are. Ignored by MAF and REALNVP.
 *
 * <p>{@code missing}: what scoring does with a record that lacks a raw feature ({@link MissingSettings}: dead-letter,
 * the default; impute the held-out median; skip). Requires declared {@code features}. Training rows that lack a
 * feature are left out of training and counted, whatever its policy.
 *
 * <p>{@code trainingEngine}: how the fit computes gradients ({@code auto}, the hand-written manual pass; or
 * {@code samediff}, SameDiff's graph, e.g. on a GPU backend the manual pass has not been verified on).
 *
 * <p>{@code calibrateOnValidation} (default true; also what a job file of an older trainer without the key reads as):
 * thresholds, tails, bands and typical contributions are calibrated on the calibration hold-out and the validation
 * rows together ({@code io.normalcy.flow.fit.CalibrationRows}), which tightens thresholds at rare levels; false keeps
 * them on the hold-out alone, which neither training nor early stopping saw (e.g. for an audit).
 *
 * <p>{@code warmStart}: a retrain starts from the currently published version's weights when its architecture,
 * seed, features and context encoding match ({@code io.normalcy.flow.fit.WarmStart}), otherwise cold.
 */
public record ModelDefinition(String name, List<String> features, List<String> integerFeatures,
                              List<String> log1pFeatures, List<String> categoricalContext,
                              List<CyclicContext> cyclicContext, List<String> numericContext, FlowType flowType,
                              Ordering ordering, int blocks, List<Integer> hidden, int epochs, int batchSize, double learningRate,
                              int patience, List<Double> levels, int minContextSamples, long seed, long maxRecords,
                              Duration window, double validationFraction, double calibrationFraction,
                              Boolean calibrateOnValidation, boolean warmStart, Duration autoBudget, List<String> derived,
                              double contamination, int components,
                              MissingSettings missing, TrainingEngine trainingEngine) {
    /** {@code blocks}, {@code epochs} or {@code patience} chosen from the data ({@code auto} in configuration). */
    public static final int SIZED = 0;
    /** How {@link #SIZED} values, an empty {@code hidden} and a null {@code flowType} are written: {@code auto}. */
    public static final String AUTO = "auto";

    public ModelDefinition {
        features = List.copyOf(features);
        integerFeatures = List.copyOf(integerFeatures);
        log1pFeatures = List.copyOf(log1pFeatures);
        categoricalContext = List.copyOf(categoricalContext);
        cyclicContext = List.copyOf(cyclicContext);
        numericContext = List.copyOf(numericContext);
        hidden = List.copyOf(hidden);
        levels = List.copyOf(levels);
        derived = derived == null ? List.of() : List.copyOf(derived); // null: a job file of an older trainer
        missing = missing == null ? MissingSettings.DEFAULT : missing; // likewise
        trainingEngine = trainingEngine == null ? TrainingEngine.AUTO : trainingEngine; // likewise
        // likewise: boxed because a job file without the key must read as the default true, not a primitive's false
        calibrateOnValidation = calibrateOnValidation == null || calibrateOnValidation;
    }

    /** Defaults of every hyper-parameter; no features declared (inferred). */
    public static ModelDefinition defaults(String name) {
        return new ModelDefinition(name, List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), FlowType.MAF_MOG,
                Ordering.NATURAL, SIZED, List.of(), SIZED, 256, 1e-3, SIZED, List.of(0.01, 0.001), 500, 42L, 1_000_000L,
                Duration.ofDays(1), 0.1, 0.25, true, true, Duration.ofMinutes(10), List.of(), 0.0,
                SIZED, MissingSettings.DEFAULT, TrainingEngine.AUTO);
    }

    public ModelDefinition withFeatures(List<String> newFeatures) {
        return new ModelDefinition(name, newFeatures, integerFeatures, log1pFeatures, categoricalContext,
                cyclicContext, numericContext, flowType, ordering, blocks, hidden, epochs, batchSize, learningRate, patience,
                levels, minContextSamples, seed, maxRecords, window, validationFraction, calibrationFraction,
                calibrateOnValidation, warmStart,
                autoBudget, derived, contamination, components, missing, trainingEngine);
    }

    /**
     * The model's feature columns: the raw {@link #features()} (what records carry), then the {@link #derived()}
     * ones (computed from each entity's history by {@link DerivedFeatures}); empty while the raw ones are inferred.
     */
    public List<String> modelFeatures() {
        if (features.isEmpty() || derived.isEmpty()) {
            return features;
        }
        List<String> all = new ArrayList<>(features);
        all.addAll(derived);
        return List.copyOf(all);
    }

    /** The parsed {@link #derived()} names (validated by {@link Parameters#validate}). */
    public DerivedFeatures derivedFeatures() {
        return DerivedFeatures.parse(derived);
    }

    private static String sized(int v) {
        return v == SIZED ? AUTO : Integer.toString(v);
    }

    /** The flow's cyclic fields of {@link #cyclicContext()}. */
    public List<ContextSpec.CyclicField> cyclicFields() {
        return cyclicContext.stream().map(CyclicContext::field).toList();
    }

    /** Numeric context keys a record must carry ({@link ContextSpec#numericSources(List, List)}). */
    public List<String> numericSources() {
        return ContextSpec.numericSources(cyclicFields(), numericContext);
    }

    /**
     * The parameters as configuration text, keyed like the configuration: the known keys, and the base
     * {@link Parameters#apply} lays overrides on before parsing the result once.
     */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("features", String.join(",", features));
        m.put("integer-features", String.join(",", integerFeatures));
        m.put("log1p-features", String.join(",", log1pFeatures));
        m.put("categorical-context", String.join(",", categoricalContext));
        m.put("cyclic-context", String.join(",", cyclicContext.stream().map(CyclicContext::toString).toList()));
        m.put("numeric-context", String.join(",", numericContext));
        m.put("flow-type", flowType == null ? AUTO : flowType.name());
        m.put("auto-budget", autoBudget.toString());
        m.put("ordering", ordering.name());
        m.put("blocks", sized(blocks));
        m.put("hidden", hidden.isEmpty() ? AUTO : String.join(",", hidden.stream().map(String::valueOf).toList()));
        m.put("epochs", sized(epochs));
        m.put("batch-size", Integer.toString(batchSize));
        m.put("learning-rate", Double.toString(learningRate));
        m.put("patience", sized(patience));
        m.put("levels", String.join(",", levels.stream().map(String::valueOf).toList()));
        m.put("min-context-samples", Integer.toString(minContextSamples));
        m.put("seed", Long.toString(seed));
        m.put("max-records", Long.toString(maxRecords));
        m.put("window", window.toString());
        m.put("validation-fraction", Double.toString(validationFraction));
        m.put("calibration-fraction", Double.toString(calibrationFraction));
        m.put("calibrate-on-validation", Boolean.toString(calibrateOnValidation));
        m.put("warm-start", Boolean.toString(warmStart));
        m.put("derived", String.join(",", derived));
        m.put("contamination", Double.toString(contamination));
        m.put("components", sized(components));
        m.put("missing-default", missing.defaultPolicy().configName());
        m.put("missing-dead-letter", String.join(",", missing.deadLetter()));
        m.put("missing-impute", String.join(",", missing.impute()));
        m.put("missing-skip", String.join(",", missing.skip()));
        m.put("training-engine", trainingEngine.name().toLowerCase(java.util.Locale.ROOT));
        return m;
    }
}
