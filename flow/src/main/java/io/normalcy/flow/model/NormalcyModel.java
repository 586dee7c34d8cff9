package io.normalcy.flow.model;

import io.normalcy.flow.kernel.ScoringKernel;
import io.normalcy.flow.preprocess.ContextEncoder;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import io.normalcy.flow.transform.Flow;
import io.normalcy.schemas.derived.DerivedFeatures;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Immutable, thread-safe runtime model: everything the detector needs to score a record — preprocessing, context
 * encoding, the exact flow density (MAF, Papamakarios et al. 2017; RealNVP, Dinh et al. 2017), calibrated
 * thresholds, the typical per-feature contributions that explanations compare against, and provenance.
 *
 * <p>The constructor validates that the parts agree (feature count = spec.dim, context length = spec.contextDim,
 * threshold scopes = categorical context fields) and builds the scoring {@link Flow}, which validates the
 * parameters against the spec; it throws {@link IllegalArgumentException} naming the mismatch. Avro never appears
 * here: {@code io.normalcy.flow.state.ModelStateMapper} maps to and from {@code ModelVersion}.
 */
public final class NormalcyModel {
    private final String name;
    private final long version;
    private final FlowSpec spec;
    private final FlowParameters parameters;
    private final FeaturePreprocessor preprocessor;
    private final ContextSpec contextSpec;
    private final ContextEncoder encoder;
    private final Thresholds thresholds;
    private final Map<String, Double> typicalContributions;
    private final ModelProvenance provenance;
    private final Flow flow;
    /** The SIMD kernel's flow, built on the first {@link #flow(ScoringKernel)} that asks for it. */
    private volatile Flow simdFlow;
    private final List<String> featureNames;
    private final String fingerprint;
    private final DerivedFeatures derived;
    private final MissingValues missing;

    public NormalcyModel(String name, long version, FlowSpec spec, FlowParameters parameters,
                         FeaturePreprocessor preprocessor, ContextSpec contextSpec, Thresholds thresholds,
                         Map<String, Double> typicalContributions, ModelProvenance provenance) {
        this(name, version, spec, parameters, preprocessor, contextSpec, thresholds, typicalContributions, provenance,
                DerivedFeatures.NONE);
    }

    /**
     * @param derived the features the detector derives from each entity's history before scoring: each must be one
     *                of the model's features, and its source a feature that is not derived
     */
    public NormalcyModel(String name, long version, FlowSpec spec, FlowParameters parameters,
                         FeaturePreprocessor preprocessor, ContextSpec contextSpec, Thresholds thresholds,
                         Map<String, Double> typicalContributions, ModelProvenance provenance,
                         DerivedFeatures derived) {
        this(name, version, spec, parameters, preprocessor, contextSpec, thresholds, typicalContributions, provenance,
                derived, MissingValues.NONE);
    }

    /**
     * @param derived as above
     * @param missing the missing-value policies: each feature named must be a raw (not derived) feature of the model,
     *                and a source of derived features cannot be imputed (a made-up value would enter the entity's
     *                history and every later window computed from it; skip or dead-letter it)
     */
    public NormalcyModel(String name, long version, FlowSpec spec, FlowParameters parameters,
                         FeaturePreprocessor preprocessor, ContextSpec contextSpec, Thresholds thresholds,
                         Map<String, Double> typicalContributions, ModelProvenance provenance,
                         DerivedFeatures derived, MissingValues missing) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("model name must not be empty");
        }
        this.name = name;
        this.version = version;
        this.spec = Objects.requireNonNull(spec, "spec");
        this.parameters = Objects.requireNonNull(parameters, "parameters").copy();
        this.preprocessor = Objects.requireNonNull(preprocessor, "preprocessor");
        this.contextSpec = Objects.requireNonNull(contextSpec, "contextSpec");
        this.thresholds = thresholds == null ? Thresholds.none() : thresholds;
        this.provenance = Objects.requireNonNull(provenance, "provenance");
        this.featureNames = List.copyOf(preprocessor.names());
        if (featureNames.size() != spec.dim()) {
            throw new IllegalArgumentException("model " + name + " has " + featureNames.size() + " features "
                    + featureNames + " but the flow has dim " + spec.dim());
        }
        this.encoder = new ContextEncoder(contextSpec);
        if (encoder.dimension() != spec.contextDim()) {
            throw new IllegalArgumentException("model " + name + ": the context encoding has length "
                    + encoder.dimension() + " but the flow has contextDim " + spec.contextDim());
        }
        List<String> categorical = categoricalFields(contextSpec);
        if (!this.thresholds.scopeFields().equals(categorical)) {
            throw new IllegalArgumentException("model " + name + ": threshold scope fields "
                    + this.thresholds.scopeFields() + " differ from the categorical context fields " + categorical);
        }
        Map<String, Double> typical = new LinkedHashMap<>();
        if (typicalContributions != null) {
            typicalContributions.forEach((f, v) -> {
                if (!featureNames.contains(f)) {
                    throw new IllegalArgumentException("model " + name + ": typical contribution for unknown feature '"
                            + f + "'");
                }
                if (v == null || !Double.isFinite(v)) {
                    throw new IllegalArgumentException("model " + name + ": typical contribution of '" + f
                            + "' is not finite: " + v);
                }
            });
            for (String f : featureNames) {
                if (typicalContributions.containsKey(f)) {
                    typical.put(f, typicalContributions.get(f));
                }
            }
        }
        this.typicalContributions = Collections.unmodifiableMap(typical);
        this.flow = FlowBuilder.build(spec, this.parameters);
        this.fingerprint = computeFingerprint(preprocessor, contextSpec);
        this.derived = Objects.requireNonNull(derived, "derived");
        checkDerived(name, derived, featureNames);
        this.missing = Objects.requireNonNull(missing, "missing");
        checkMissing(name, missing, derived, featureNames);
    }

    private static void checkMissing(String name, MissingValues missing, DerivedFeatures derived,
                                     List<String> features) {
        missing.entries().forEach((f, e) -> {
            if (!features.contains(f)) {
                throw new IllegalArgumentException("model " + name + ": missing-value policy for '" + f
                        + "', which is not one of its features " + features);
            }
            if (derived.names().contains(f)) {
                throw new IllegalArgumentException("model " + name + ": missing-value policy for derived feature '"
                        + f + "' (derived features are computed, never missing)");
            }
            if (e.policy() == MissingPolicy.IMPUTE && derived.sources().contains(f)) {
                throw new IllegalArgumentException("model " + name + ": feature '" + f + "' feeds derived features "
                        + derived.names() + " and cannot be imputed (use skip or dead-letter)");
            }
        });
    }

    private static void checkDerived(String name, DerivedFeatures derived, List<String> features) {
        for (String d : derived.names()) {
            if (!features.contains(d)) {
                throw new IllegalArgumentException("model " + name + ": derived feature '" + d
                        + "' is not one of its features " + features);
            }
        }
        for (String s : derived.sources()) {
            if (!features.contains(s) || derived.names().contains(s)) {
                throw new IllegalArgumentException("model " + name + ": derived features read '" + s
                        + "', which is not one of its raw features");
            }
        }
    }

    /** This model with {@code derivedFeatures} (the trainer adds them after the fit, which sees only columns). */
    public NormalcyModel withDerived(DerivedFeatures derivedFeatures) {
        return new NormalcyModel(name, version, spec, parameters, preprocessor, contextSpec, thresholds,
                typicalContributions, provenance, derivedFeatures, missing);
    }

    /** This model with missing-value policies {@code policies} (the fitter adds them with the held-out medians). */
    public NormalcyModel withMissing(MissingValues policies) {
        return new NormalcyModel(name, version, spec, parameters, preprocessor, contextSpec, thresholds,
                typicalContributions, provenance, derived, policies);
    }

    /** What scoring does with each missing feature ({@link MissingValues#NONE}: dead-letter every one). */
    public MissingValues missing() {
        return missing;
    }

    /** The features derived from each entity's history before scoring ({@link DerivedFeatures#NONE} for none). */
    public DerivedFeatures derived() {
        return derived;
    }

    static List<String> categoricalFields(ContextSpec spec) {
        List<String> out = new ArrayList<>();
        for (ContextSpec.CategoricalField f : spec.categorical()) {
            out.add(f.name());
        }
        return List.copyOf(out);
    }

    /**
     * Same text as {@code io.normalcy.schemas.ModelDigests.featureSchemaFingerprint} (kept Avro-free here;
     * {@code ModelStateMapperTest} checks both agree): one line per feature by index, then per context field.
     */
    private static String computeFingerprint(FeaturePreprocessor p, ContextSpec c) {
        StringBuilder sb = new StringBuilder();
        List<FeaturePreprocessor.Feature> fs = p.features();
        for (int i = 0; i < fs.size(); i++) {
            FeaturePreprocessor.Feature f = fs.get(i);
            sb.append("feature:").append(i).append(':').append(f.name()).append(':').append(f.dequantize())
                    .append(':').append(f.log1p()).append('\n');
        }
        for (ContextSpec.CategoricalField f : c.categorical()) {
            sb.append("categorical:").append(f.name()).append('\n');
        }
        for (ContextSpec.CyclicField f : c.cyclic()) {
            sb.append("cyclic:").append(f.name()).append(':').append(f.source()).append(':').append(f.period())
                    .append('\n');
        }
        for (ContextSpec.NumericField f : c.numeric()) {
            sb.append("numeric:").append(f.name()).append('\n');
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }

    public String name() {
        return name;
    }

    public long version() {
        return version;
    }

    public FlowSpec spec() {
        return spec;
    }

    /** A copy of the parameters (the model's own stay immutable). */
    public FlowParameters parameters() {
        return parameters.copy();
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public FeaturePreprocessor preprocessor() {
        return preprocessor;
    }

    public ContextSpec contextSpec() {
        return contextSpec;
    }

    /** Thread-safe encoder of {@link #contextSpec()}. */
    public ContextEncoder contextEncoder() {
        return encoder;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    /** Median per-feature term on held-out data, in {@link #featureNames()} order. */
    public Map<String, Double> typicalContributions() {
        return typicalContributions;
    }

    public ModelProvenance provenance() {
        return provenance;
    }

    /** The flow on the scalar (double, reference) kernel. */
    public Flow flow() {
        return flow;
    }

    /**
     * The flow on kernel {@code kind}; the SIMD one is built once, on first request (the parameters were validated
     * when the model was built, so this cannot fail on them).
     */
    public Flow flow(ScoringKernel kind) {
        if (kind == ScoringKernel.SCALAR) {
            return flow;
        }
        Flow f = simdFlow;
        if (f == null) {
            synchronized (this) {
                f = simdFlow;
                if (f == null) {
                    f = FlowBuilder.build(spec, parameters, kind);
                    simdFlow = f;
                }
            }
        }
        return f;
    }

    /**
     * A scorer on the scalar reference kernel. One scorer per thread: it reuses its buffers and allocates nothing
     * per record on the hot path.
     */
    public Scorer newScorer() {
        return new Scorer(this, flow);
    }

    /**
     * A scorer on kernel {@code kind} (choose it with {@link io.normalcy.flow.kernel.KernelSelector}: SIMD needs the
     * Vector API module).
     */
    public Scorer newScorer(ScoringKernel kind) {
        return new Scorer(this, flow(kind));
    }

    /** SHA-256 hex of feature names + flags + context field declarations: equal = interchangeable inputs. */
    public String featureSchemaFingerprint() {
        return fingerprint;
    }

    /**
     * {@code n} samples of p(x | c) in original units (flow inverse, then inverse preprocessing; integer features
     * are floored back to integers).
     */
    public double[][] sample(int n, Map<String, String> context, Map<String, Double> contextNumeric, long eventTime,
                             Random rng) {
        double[] ctx = encoder.encode(context == null ? Map.of() : context,
                contextNumeric == null ? Map.of() : contextNumeric, eventTime);
        double[][] u = flow.sample(n, ctx, rng);
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) {
            out[i] = preprocessor.fromFlowSpace(u[i]);
        }
        return out;
    }

    @Override
    public String toString() {
        return "NormalcyModel[" + name + " v" + version + ", features=" + featureNames + ", " + spec + "]";
    }
}
