package io.normalcy.flow.state;

import io.normalcy.avro.CategoricalField;
import io.normalcy.avro.ContextSpecRecord;
import io.normalcy.avro.CyclicField;
import io.normalcy.avro.FeatureSpec;
import io.normalcy.avro.MissingValuePolicy;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.NumericField;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.MissingPolicy;
import io.normalcy.flow.model.MissingValues;
import io.normalcy.flow.model.ModelProvenance;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Thresholds;
import io.normalcy.flow.preprocess.ContextSpec;
import io.normalcy.flow.preprocess.FeaturePreprocessor;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.derived.DerivedFeatures;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@link NormalcyModel} ⇄ Avro {@code ModelVersion} (the record on the compacted models topic and in model
 * files). {@link #fromState} treats the record as untrusted: it checks the format version, the SHA-256 digest
 * ({@link ModelDigests}), every tensor against the architecture (names, shapes with {@link Math#multiplyExact},
 * byte length = 4·size, finite values, valid degrees and permutations), and the consistency of features, context
 * and thresholds, and throws {@link InvalidModelException} naming the first problem.
 */
public final class ModelStateMapper {
    /**
     * Newest {@code ModelVersion.formatVersion} this release writes and reads (2 added {@code FlowType.MAF_MOG},
     * {@code Architecture.components} and {@code FeatureSpec.step}; 3 {@code ModelVersion.derived}; 4
     * {@code ModelVersion.missing}; 5 {@code ThresholdSet.perCombination}).
     */
    public static final int FORMAT_VERSION = 5;
    /** The first format with derived features. */
    public static final int DERIVED_FORMAT_VERSION = 3;
    /** The first format with missing-value policies; a model with none is still written in an older format. */
    public static final int MISSING_FORMAT_VERSION = 4;
    /**
     * The first format with combination thresholds (entityType=x,region=y); a model without any (one categorical
     * field, or no combination with enough held-out rows) is still written in an older format.
     */
    public static final int COMBINATION_FORMAT_VERSION = 5;
    /**
     * Oldest format this release reads. A model is written in the oldest format that can hold it (1 unless it is a
     * MAF_MOG or a feature has a dequantisation step), so a detector of the previous release still loads every model
     * it can score exactly and refuses (digest under an unknown format) the ones it cannot.
     */
    public static final int MIN_FORMAT_VERSION = 1;

    static {
        if (FORMAT_VERSION != ModelDigests.CURRENT_FORMAT_VERSION) {
            throw new IllegalStateException("ModelStateMapper.FORMAT_VERSION " + FORMAT_VERSION
                    + " != ModelDigests.CURRENT_FORMAT_VERSION " + ModelDigests.CURRENT_FORMAT_VERSION);
        }
    }

    private ModelStateMapper() {
    }

    /** The model as a record with its digest computed (unsigned; see {@link ModelSigner}). */
    public static ModelVersion toState(NormalcyModel model) {
        List<FeatureSpec> features = features(model.preprocessor());
        ContextSpecRecord context = context(model.contextSpec());
        ModelVersion mv = ModelVersion.newBuilder()
                .setFormatVersion(formatVersion(model))
                .setDerived(new ArrayList<>(model.derived().names()))
                .setMissing(missing(model.missing()))
                .setModel(model.name())
                .setVersion(model.version())
                .setFlowType(SpecCodec.encodeType(model.spec().type()))
                .setArchitecture(SpecCodec.encode(model.spec()))
                .setFeatures(features)
                .setContext(context)
                .setThresholds(ThresholdsCodec.encode(model.thresholds()))
                .setTypicalContributions(new TreeMap<>(model.typicalContributions()))
                .setTensors(TensorCodec.encode(model.parameters()))
                .setProvenance(ProvenanceCodec.encode(model.provenance(),
                        ModelDigests.featureSchemaFingerprint(features, context)))
                .setDigest(ByteBuffer.allocate(0))
                .setSignature(null)
                .setSignatureAlgorithm(null)
                .build();
        return ModelDigests.withDigest(mv);
    }

    /**
     * The oldest format that holds {@code model}: {@value #COMBINATION_FORMAT_VERSION} with combination thresholds,
     * else {@value #MISSING_FORMAT_VERSION} with missing-value policies, else {@value #DERIVED_FORMAT_VERSION} with
     * derived features, else {@link #formatVersion(FlowSpec, FeaturePreprocessor)}.
     */
    static int formatVersion(NormalcyModel model) {
        if (ThresholdsCodec.hasCombinations(model.thresholds())) {
            return COMBINATION_FORMAT_VERSION;
        }
        if (!model.missing().isEmpty()) {
            return MISSING_FORMAT_VERSION;
        }
        return model.derived().isEmpty() ? formatVersion(model.spec(), model.preprocessor()) : DERIVED_FORMAT_VERSION;
    }

    /**
     * The oldest format version that can represent the model's flow and features: 2 for MAF_MOG or a feature with a
     * dequantisation step, else 1 ({@link #toState} writes {@value #DERIVED_FORMAT_VERSION} for a model with derived
     * features). Why not
     * always the newest: the digest is computed under the schema of the format version, so a MAF or RealNVP model
     * keeps exactly the bytes and digest the previous release wrote (re-publishing a model does not change its
     * digest, and a detector of the previous release still verifies it); only models that need v2 use it.
     * Reading stays safe: a field v1 does not have ({@code Architecture.components}) is outside a v1 digest, but
     * {@code FlowSpec} rejects a non-zero value for MAF and RealNVP, MAF_MOG does not exist in the v1 schema, and a
     * v1 record's {@code step} is read as 0 (no step).
     */
    public static int formatVersion(FlowSpec spec, FeaturePreprocessor p) {
        boolean needsTwo = spec.type() == io.normalcy.flow.model.FlowType.MAF_MOG
                || p.features().stream().anyMatch(f -> f.step() > 0);
        return needsTwo ? 2 : MIN_FORMAT_VERSION;
    }

    /**
     * Validates {@code state} and builds the runtime model.
     *
     * @throws InvalidModelException naming the problem (format version, digest, tensor, feature, context field,
     *                               threshold...)
     */
    public static NormalcyModel fromState(ModelVersion state) throws InvalidModelException {
        if (state == null) {
            throw new InvalidModelException("model record is null");
        }
        String id = "model '" + state.getModel() + "' v" + state.getVersion();
        checkFormatAndDigest(state, id);
        try {
            FlowSpec spec = SpecCodec.decode(state.getFlowType(), state.getArchitecture());
            FeaturePreprocessor pre = preprocessor(state.getFeatures(), spec);
            ContextSpec ctx = contextSpec(state.getContext());
            if (ctx.dimension() != spec.contextDim()) {
                throw new InvalidModelException("context encoding has length " + ctx.dimension()
                        + " but architecture.contextDim is " + spec.contextDim());
            }
            FlowParameters params = TensorCodec.decode(state.getTensors(), spec);
            List<String> categorical = new ArrayList<>();
            ctx.categorical().forEach(f -> categorical.add(f.name()));
            if (state.getFormatVersion() < COMBINATION_FORMAT_VERSION
                    && ThresholdsCodec.hasCombinations(state.getThresholds())) {
                throw new InvalidModelException("combination thresholds in a format " + state.getFormatVersion()
                        + " record (they exist since format " + COMBINATION_FORMAT_VERSION + ")");
            }
            Thresholds thresholds = ThresholdsCodec.decode(state.getThresholds(), categorical);
            Map<String, Double> typical = typicalContributions(state, pre);
            String fingerprint = ModelDigests.featureSchemaFingerprint(state.getFeatures(), state.getContext());
            if (!fingerprint.equals(state.getProvenance().getFeatureSchemaFingerprint())) {
                throw new InvalidModelException("provenance.featureSchemaFingerprint "
                        + state.getProvenance().getFeatureSchemaFingerprint() + " does not match the features and"
                        + " context (" + fingerprint + ")");
            }
            ModelProvenance provenance = ProvenanceCodec.decode(state.getProvenance());
            DerivedFeatures derived = derived(state);
            MissingValues missing = missing(state);
            try {
                return new NormalcyModel(state.getModel(), state.getVersion(), spec, params, pre, ctx, thresholds,
                        typical, provenance, derived, missing);
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException("inconsistent model: " + e.getMessage(), e);
            }
        } catch (InvalidModelException e) {
            throw new InvalidModelException(id + ": " + e.getMessage(), e);
        }
    }

    /** The format version is one this release reads, and the digest matches the record. */
    private static void checkFormatAndDigest(ModelVersion state, String id) throws InvalidModelException {
        if (state.getFormatVersion() < MIN_FORMAT_VERSION || state.getFormatVersion() > FORMAT_VERSION) {
            throw new InvalidModelException(id + ": unsupported format version " + state.getFormatVersion()
                    + " (this release reads format versions " + MIN_FORMAT_VERSION + ".." + FORMAT_VERSION + ")");
        }
        boolean digestOk;
        try {
            digestOk = ModelDigests.matches(state);
        } catch (RuntimeException e) {
            throw new InvalidModelException(id + ": cannot compute the digest: " + e.getMessage(), e);
        }
        if (!digestOk) {
            throw new InvalidModelException(id + ": digest mismatch (the record was modified or corrupted after it"
                    + " was written)");
        }
    }

    /** The typical per-feature terms, each of a known feature and finite. */
    private static Map<String, Double> typicalContributions(ModelVersion state, FeaturePreprocessor pre)
            throws InvalidModelException {
        Map<String, Double> typical = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : state.getTypicalContributions().entrySet()) {
            if (!pre.names().contains(e.getKey())) {
                throw new InvalidModelException("typical contribution for unknown feature '" + e.getKey() + "'");
            }
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new InvalidModelException("typical contribution of feature '" + e.getKey()
                        + "' is not finite: " + e.getValue());
            }
            typical.put(e.getKey(), e.getValue());
        }
        return typical;
    }

    /**
     * The derived features. A record of a format before {@value #DERIVED_FORMAT_VERSION} must have none: the field is
     * outside such a record's digest, so entries there were not written by a trainer and are refused.
     */
    private static DerivedFeatures derived(ModelVersion state) throws InvalidModelException {
        List<String> names = state.getDerived() == null ? List.of() : state.getDerived();
        if (!names.isEmpty() && state.getFormatVersion() < DERIVED_FORMAT_VERSION) {
            throw new InvalidModelException("derived features " + names + " in a format " + state.getFormatVersion()
                    + " record (derived features exist since format " + DERIVED_FORMAT_VERSION + ")");
        }
        try {
            return DerivedFeatures.parse(names);
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("invalid derived features: " + e.getMessage(), e);
        }
    }

    private static List<MissingValuePolicy> missing(MissingValues m) {
        List<MissingValuePolicy> out = new ArrayList<>();
        m.entries().forEach((f, e) -> out.add(new MissingValuePolicy(f,
                io.normalcy.avro.MissingPolicy.valueOf(e.policy().name()), e.median())));
        return out;
    }

    /**
     * The missing-value policies. A record of a format before {@value #MISSING_FORMAT_VERSION} must have none (the
     * field is outside its digest); a feature named twice, a DEAD_LETTER entry or a non-finite median is refused.
     */
    private static MissingValues missing(ModelVersion state) throws InvalidModelException {
        List<MissingValuePolicy> entries = state.getMissing() == null ? List.of() : state.getMissing();
        if (!entries.isEmpty() && state.getFormatVersion() < MISSING_FORMAT_VERSION) {
            throw new InvalidModelException("missing-value policies in a format " + state.getFormatVersion()
                    + " record (they exist since format " + MISSING_FORMAT_VERSION + ")");
        }
        Map<String, MissingValues.Entry> byFeature = new LinkedHashMap<>();
        for (MissingValuePolicy p : entries) {
            MissingPolicy policy = MissingPolicy.valueOf(p.getPolicy().name());
            try {
                if (byFeature.put(p.getFeature(), new MissingValues.Entry(policy, p.getMedian())) != null) {
                    throw new InvalidModelException("feature '" + p.getFeature() + "' has two missing-value policies");
                }
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException("missing-value policy of feature '" + p.getFeature() + "': "
                        + e.getMessage(), e);
            }
        }
        return new MissingValues(byFeature);
    }

    /** The oldest format that holds {@code p}: 2 when a feature has a dequantisation step, else 1. */
    private static List<FeatureSpec> features(FeaturePreprocessor p) {
        List<FeatureSpec> out = new ArrayList<>();
        List<FeaturePreprocessor.Feature> fs = p.features();
        for (int i = 0; i < fs.size(); i++) {
            FeaturePreprocessor.Feature f = fs.get(i);
            out.add(FeatureSpec.newBuilder().setName(f.name()).setIndex(i).setDequantize(f.dequantize())
                    .setLog1p(f.log1p()).setMean(f.mean()).setStd(f.std()).setStep(f.step()).build());
        }
        return out;
    }

    private static ContextSpecRecord context(ContextSpec c) {
        List<CategoricalField> cat = new ArrayList<>();
        c.categorical().forEach(f -> cat.add(CategoricalField.newBuilder().setName(f.name())
                .setVocabulary(new ArrayList<>(f.vocabulary())).build()));
        List<CyclicField> cyc = new ArrayList<>();
        c.cyclic().forEach(f -> cyc.add(CyclicField.newBuilder().setName(f.name()).setSource(f.source())
                .setPeriod(f.period()).build()));
        List<NumericField> num = new ArrayList<>();
        c.numeric().forEach(f -> num.add(NumericField.newBuilder().setName(f.name()).setMean(f.mean())
                .setStd(f.std()).build()));
        return ContextSpecRecord.newBuilder().setCategorical(cat).setCyclic(cyc).setNumeric(num).build();
    }

    private static FeaturePreprocessor preprocessor(List<FeatureSpec> specs, FlowSpec spec)
            throws InvalidModelException {
        if (specs.size() != spec.dim()) {
            throw new InvalidModelException(specs.size() + " features but architecture.dim is " + spec.dim());
        }
        FeaturePreprocessor.Feature[] byIndex = new FeaturePreprocessor.Feature[specs.size()];
        for (FeatureSpec f : specs) {
            int i = f.getIndex();
            if (i < 0 || i >= byIndex.length) {
                throw new InvalidModelException("feature '" + f.getName() + "' has index " + i + " outside [0, "
                        + byIndex.length + ")");
            }
            if (byIndex[i] != null) {
                throw new InvalidModelException("features '" + byIndex[i].name() + "' and '" + f.getName()
                        + "' share index " + i);
            }
            try {
                byIndex[i] = new FeaturePreprocessor.Feature(f.getName(), f.getDequantize(), f.getLog1p(),
                        f.getMean(), f.getStd(), f.getStep());
            } catch (IllegalArgumentException e) {
                throw new InvalidModelException("invalid feature: " + e.getMessage(), e);
            }
        }
        try {
            return new FeaturePreprocessor(List.of(byIndex));
        } catch (IllegalArgumentException e) {
            throw new InvalidModelException("invalid features: " + e.getMessage(), e);
        }
    }

    private static ContextSpec contextSpec(ContextSpecRecord r) throws InvalidModelException {
        try {
            List<ContextSpec.CategoricalField> cat = new ArrayList<>();
            for (CategoricalField f : r.getCategorical()) {
                cat.add(new ContextSpec.CategoricalField(f.getName(), f.getVocabulary()));
            }
            List<ContextSpec.CyclicField> cyc = new ArrayList<>();
            for (CyclicField f : r.getCyclic()) {
                cyc.add(new ContextSpec.CyclicField(f.getName(), f.getSource(), f.getPeriod()));
            }
            List<ContextSpec.NumericField> num = new ArrayList<>();
            for (NumericField f : r.getNumeric()) {
                num.add(new ContextSpec.NumericField(f.getName(), f.getMean(), f.getStd()));
            }
            return new ContextSpec(cat, cyc, num);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidModelException("invalid context: " + e.getMessage(), e);
        }
    }
}
