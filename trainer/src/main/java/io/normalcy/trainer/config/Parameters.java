package io.normalcy.trainer.config;

import io.normalcy.flow.fit.FitConfig;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.FlowType;
import io.normalcy.flow.model.Ordering;
import io.normalcy.flow.train.TrainingEngine;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The one parser of model parameters, used for configuration and for per-request overrides
 * ({@code RetrainRequest.overrides}) so both accept the same keys, the same syntax (lists comma-separated,
 * durations ISO-8601) and fail with the same messages. Unknown keys are errors: a typo such as {@code epocs}
 * must not silently train with the default.
 */
public final class Parameters {
    /** Every key accepted in {@code normalcy.trainer.models.<name>} and in overrides. */
    public static final Set<String> KEYS = Set.copyOf(ModelDefinition.defaults("x").asMap().keySet());

    private Parameters() {
    }

    /**
     * Applies {@code values} on top of {@code base} and validates the result.
     *
     * @param keyPrefix prepended to keys in error messages (e.g. {@code normalcy.trainer.models.payments.}, or
     *                  {@code overrides.})
     * @throws ConfigException naming the first bad key
     */
    public static ModelDefinition apply(ModelDefinition base, Map<String, String> values, String keyPrefix) {
        Map<String, String> m = new java.util.LinkedHashMap<>(base.asMap());
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            if (!KEYS.contains(key)) {
                throw new ConfigException(keyPrefix + key, "unknown key; known keys: " + new TreeSet<>(KEYS));
            }
            m.put(key, e.getValue() == null ? "" : e.getValue().trim());
        }
        ModelDefinition d = parse(base.name(), m, keyPrefix);
        validate(d, keyPrefix);
        return d;
    }

    private static ModelDefinition parse(String name, Map<String, String> m, String p) {
        List<CyclicContext> cyclic = new ArrayList<>();
        for (String c : list(m.get("cyclic-context"))) {
            cyclic.add(CyclicContext.parse(p + "cyclic-context", c));
        }
        List<Integer> hidden = new ArrayList<>();
        if (!isAuto(m.get("hidden"))) {
            for (String h : list(m.get("hidden"))) {
                hidden.add(intValue(p + "hidden", h));
            }
        }
        List<Double> levels = new ArrayList<>();
        for (String l : list(m.get("levels"))) {
            levels.add(doubleValue(p + "levels", l));
        }
        return new ModelDefinition(name, list(m.get("features")), list(m.get("integer-features")),
                list(m.get("log1p-features")), list(m.get("categorical-context")), cyclic,
                list(m.get("numeric-context")), flowType(p + "flow-type", m.get("flow-type")),
                ordering(p + "ordering", m.get("ordering")),
                sizedValue(p + "blocks", m.get("blocks")), hidden,
                sizedValue(p + "epochs", m.get("epochs")), intValue(p + "batch-size", m.get("batch-size")),
                doubleValue(p + "learning-rate", m.get("learning-rate")), sizedValue(p + "patience", m.get("patience")),
                levels, intValue(p + "min-context-samples", m.get("min-context-samples")),
                longValue(p + "seed", m.get("seed")), longValue(p + "max-records", m.get("max-records")),
                durationValue(p + "window", m.get("window")),
                doubleValue(p + "validation-fraction", m.get("validation-fraction")),
                doubleValue(p + "calibration-fraction", m.get("calibration-fraction")),
                booleanValue(p + "calibrate-on-validation", m.get("calibrate-on-validation")),
                booleanValue(p + "warm-start", m.get("warm-start")),
                durationValue(p + "auto-budget", m.get("auto-budget")), list(m.get("derived")),
                doubleValue(p + "contamination", m.get("contamination")),
                components(p + "components", m.get("components")),
                new MissingSettings(missingPolicy(p + "missing-default", m.get("missing-default")),
                        list(m.get("missing-dead-letter")), list(m.get("missing-impute")), list(m.get("missing-skip"))),
                trainingEngine(p + "training-engine", m.get("training-engine")));
    }

    /**
     * K of the MAF_MOG mixture base or {@code auto} ({@link ModelDefinition#SIZED}: left to the fit, which flow auto
     * may vary), checked here rather than in {@link #validate}, where 0 means {@code auto}.
     */
    private static int components(String key, String s) {
        if (isAuto(s)) {
            return ModelDefinition.SIZED;
        }
        int k = intValue(key, s);
        if (k < 1 || k > FlowSpec.MAX_COMPONENTS) {
            throw new ConfigException(key, "must be in [1, " + FlowSpec.MAX_COMPONENTS
                    + "] (mixture components of the MAF_MOG base) or auto, got " + k);
        }
        return k;
    }

    private static io.normalcy.flow.model.MissingPolicy missingPolicy(String key, String s) {
        try {
            return io.normalcy.flow.model.MissingPolicy.parse(s);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    private static TrainingEngine trainingEngine(String key, String s) {
        try {
            return TrainingEngine.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "'" + s + "' is not auto, manual or samediff");
        }
    }

    /** Flow's enum, from its name in any case and with '-' for '_' ({@code maf-mog}); null for {@code auto}. */
    private static FlowType flowType(String key, String s) {
        if (isAuto(s)) {
            return null;
        }
        String v = s.toUpperCase(Locale.ROOT).replace('-', '_');
        try {
            return FlowType.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "'" + v + "' is not MAF_MOG, MAF, REALNVP or auto");
        }
    }

    private static Ordering ordering(String key, String s) {
        String v = s.toUpperCase(Locale.ROOT);
        try {
            return Ordering.valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "'" + v + "' is not NATURAL, ALTERNATING or RANDOM");
        }
    }

    /**
     * Range and consistency checks, then flow's own limits of the fit; {@code p} is the key prefix for messages.
     * Runs once, where a definition enters the trainer (configuration, request overrides, the CLI): from there
     * the definition is passed on typed and is not checked again.
     */
    public static void validate(ModelDefinition d, String p) {
        validateNetwork(d, p);
        validateLevels(d, p);
        validateData(d, p);
        validateFeatures(d, p);
        validateDerived(d, p);
        validateMissing(d, p);
        validateContext(d, p);
        // the fit's own limits (e.g. blocks <= 64, hidden widths <= 4096, calendar sources): at start-up, not at the
        // first training; FitConfig's messages name the parameter
        try {
            io.normalcy.trainer.job.FitConfigs.from(d);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(p.endsWith(".") ? p.substring(0, p.length() - 1) : p, e.getMessage());
        }
    }

    private static void validateNetwork(ModelDefinition d, String p) {
        positiveOrSized(p + "blocks", d.blocks());
        for (int h : d.hidden()) {
            positive(p + "hidden", h);
        }
        positiveOrSized(p + "epochs", d.epochs());
        positive(p + "batch-size", d.batchSize());
        if (!(d.learningRate() > 0) || !Double.isFinite(d.learningRate())) {
            throw new ConfigException(p + "learning-rate", "must be > 0, got " + d.learningRate());
        }
        positiveOrSized(p + "patience", d.patience());
        if (d.autoBudget().isNegative()) {
            throw new ConfigException(p + "auto-budget", "must be >= 0, got " + d.autoBudget());
        }
    }

    private static void validateLevels(ModelDefinition d, String p) {
        if (d.levels().isEmpty()) {
            throw new ConfigException(p + "levels", "needs at least one quantile level, e.g. 0.01,0.001");
        }
        Set<Double> seen = new HashSet<>();
        for (double l : d.levels()) {
            if (!(l > 0 && l < 1)) {
                throw new ConfigException(p + "levels", "level " + l + " is not in (0, 1)");
            }
            if (!seen.add(l)) {
                throw new ConfigException(p + "levels", "duplicate level " + l);
            }
        }
        positive(p + "min-context-samples", d.minContextSamples());
    }

    private static void validateData(ModelDefinition d, String p) {
        if (d.maxRecords() < 1) {
            throw new ConfigException(p + "max-records", "must be >= 1, got " + d.maxRecords());
        }
        if (d.window().isNegative() || d.window().isZero()) {
            throw new ConfigException(p + "window", "must be a positive duration, got " + d.window());
        }
        fraction(p + "validation-fraction", d.validationFraction());
        fraction(p + "calibration-fraction", d.calibrationFraction());
        if (!(d.contamination() >= 0 && d.contamination() <= FitConfig.MAX_CONTAMINATION)) {
            throw new ConfigException(p + "contamination", "must be in [0, " + FitConfig.MAX_CONTAMINATION
                    + "] (the expected share of anomalies in the history), got " + d.contamination());
        }
        if (d.validationFraction() + d.calibrationFraction() >= 0.9) {
            throw new ConfigException(p + "calibration-fraction",
                    "validation-fraction + calibration-fraction must leave at least 10% for training");
        }
    }

    private static void validateFeatures(ModelDefinition d, String p) {
        Set<String> features = new LinkedHashSet<>();
        for (String f : d.features()) {
            if (!features.add(f)) {
                throw new ConfigException(p + "features", "duplicate feature '" + f + "'");
            }
        }
        if (!features.isEmpty()) {
            features.addAll(d.derived());
            subset(p + "integer-features", d.integerFeatures(), features);
            subset(p + "log1p-features", d.log1pFeatures(), features);
        }
    }

    /**
     * Derived features: valid names ({@code DerivedFeature.parse}), declared raw {@code features} (the trainer and the
     * detector must know which columns the records carry and which they compute), sources among them, no clash.
     */
    private static void validateDerived(ModelDefinition d, String p) {
        if (d.derived().isEmpty()) {
            return;
        }
        io.normalcy.schemas.derived.DerivedFeatures spec;
        try {
            spec = d.derivedFeatures();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(p + "derived", e.getMessage());
        }
        if (d.features().isEmpty()) {
            throw new ConfigException(p + "features", "must list the raw features when derived features are declared"
                    + " (" + d.derived() + ")");
        }
        for (String s : spec.sources()) {
            if (!d.features().contains(s)) {
                throw new ConfigException(p + "derived", "derived features read '" + s + "', which is not one of the"
                        + " features " + d.features());
            }
        }
        for (String n : spec.names()) {
            if (d.features().contains(n)) {
                throw new ConfigException(p + "derived", "'" + n + "' is also a raw feature");
            }
        }
    }

    /**
     * Missing-value policies: declared raw {@code features} (the policies name what records carry), every listed
     * feature one of them and in one list only, and no source of derived features imputed (a made-up value would
     * enter the entity's history and every window computed from it).
     */
    private static void validateMissing(ModelDefinition d, String p) {
        MissingSettings m = d.missing();
        if (m.allDeadLetter() && m.deadLetter().isEmpty()) {
            return;
        }
        if (d.features().isEmpty()) {
            throw new ConfigException(p + "features", "must list the raw features when missing-value policies are"
                    + " declared (missing-default, missing-dead-letter, missing-impute, missing-skip)");
        }
        Set<String> seen = new HashSet<>();
        for (String key : List.of("missing-dead-letter", "missing-impute", "missing-skip")) {
            List<String> listed = key.equals("missing-dead-letter") ? m.deadLetter()
                    : key.equals("missing-impute") ? m.impute() : m.skip();
            for (String f : listed) {
                if (!d.features().contains(f)) {
                    throw new ConfigException(p + key, "'" + f + "' is not one of the raw features " + d.features()
                            + (d.derived().contains(f) ? " (derived features are computed, never missing)" : ""));
                }
                if (!seen.add(f)) {
                    throw new ConfigException(p + key, "'" + f + "' has a missing-value policy already");
                }
            }
        }
        if (!d.derived().isEmpty()) {
            for (String s : d.derivedFeatures().sources()) {
                if (m.policy(s) == io.normalcy.flow.model.MissingPolicy.IMPUTE) {
                    throw new ConfigException(p + (m.impute().contains(s) ? "missing-impute" : "missing-default"),
                            "feature '" + s + "' feeds derived features " + d.derived() + " and cannot be imputed"
                                    + " (list it in missing-skip or missing-dead-letter)");
                }
            }
        }
    }

    private static void validateContext(ModelDefinition d, String p) {
        Set<String> ctx = new HashSet<>();
        for (String c : d.categoricalContext()) {
            if (!ctx.add(c)) {
                throw new ConfigException(p + "categorical-context", "duplicate context field '" + c + "'");
            }
        }
        for (String c : d.numericContext()) {
            if (!ctx.add(c)) {
                throw new ConfigException(p + "numeric-context", "context field '" + c + "' declared twice");
            }
        }
    }

    private static void subset(String key, List<String> values, Set<String> features) {
        for (String v : values) {
            if (!features.contains(v)) {
                throw new ConfigException(key, "'" + v + "' is not one of the features " + features);
            }
        }
    }

    private static void positive(String key, int v) {
        if (v < 1) {
            throw new ConfigException(key, "must be >= 1, got " + v);
        }
    }

    /** A size given as a number (≥ 1) or as {@code auto} ({@link ModelDefinition#SIZED}, chosen from the data). */
    private static void positiveOrSized(String key, int v) {
        if (v != ModelDefinition.SIZED && v < 1) {
            throw new ConfigException(key, "must be >= 1 or auto, got " + v);
        }
    }

    private static boolean isAuto(String s) {
        return s != null && s.trim().equalsIgnoreCase(ModelDefinition.AUTO);
    }

    /** {@code auto} → {@link ModelDefinition#SIZED}; otherwise an integer. */
    private static int sizedValue(String key, String s) {
        if (isAuto(s)) {
            return ModelDefinition.SIZED;
        }
        int v = intValue(key, s);
        if (v == ModelDefinition.SIZED) {
            throw new ConfigException(key, "must be >= 1 or auto, got " + v);
        }
        return v;
    }

    private static void fraction(String key, double v) {
        if (!(v > 0 && v < 1)) {
            throw new ConfigException(key, "must be in (0, 1), got " + v);
        }
    }

    static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        String t = s.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        for (String part : t.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private static Duration durationValue(String key, String s) {
        try {
            return Duration.parse(s);
        } catch (DateTimeParseException e) {
            throw new ConfigException(key, "'" + s + "' is not an ISO-8601 duration such as PT24H or P7D");
        }
    }

    private static boolean booleanValue(String key, String s) {
        if ("true".equalsIgnoreCase(s) || "false".equalsIgnoreCase(s)) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key, "'" + s + "' is not true or false");
    }

    private static int intValue(String key, String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(key, "'" + s + "' is not an integer");
        }
    }

    private static long longValue(String key, String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (RuntimeException e) {
            throw new ConfigException(key, "'" + s + "' is not an integer");
        }
    }

    private static double doubleValue(String key, String s) {
        try {
            double v = Double.parseDouble(s.trim());
            if (!Double.isFinite(v)) {
                throw new NumberFormatException();
            }
            return v;
        } catch (RuntimeException e) {
            throw new ConfigException(key, "'" + s + "' is not a finite number");
        }
    }
}
