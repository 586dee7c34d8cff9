package io.normalcy.detector.topology;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Architecture;
import io.normalcy.avro.CategoricalField;
import io.normalcy.avro.ContextSpecRecord;
import io.normalcy.avro.FeatureSpec;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.NamedTensor;
import io.normalcy.avro.Provenance;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;
import io.normalcy.avro.ThresholdSet;
import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.NamedTensors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Test models with a density known in closed form: a one-block MAF whose output layer is zero is the identity
 * (μ = 0, α = 0, ActNorm and biases 0), so after standardisation u_i = x_i / s_i the model density is
 * Π N(x_i; 0, s_i²) — s_a = {@code stdA}, s_b = s_c = 1. Thresholds are the chi-square(3) quantiles of that
 * density: P(χ²₃ &gt; 11.3449) = 0.01 and P(χ²₃ &gt; 16.2662) = 0.001 (standard tables), i.e. the log-density
 * thresholds −½q − (3/2)log 2π − log s_a.
 */
public final class TestModels {
    static final double LOG_2PI = Math.log(2 * Math.PI);
    static final double CHI2_3_Q99 = 11.3449;
    static final double CHI2_3_Q999 = 16.2662;
    /** Median of z² for z ~ N(0, 1) (chi-square(1) median). */
    static final double CHI2_1_MEDIAN = 0.45494;
    static final List<String> FEATURES = List.of("a", "b", "c");

    private TestModels() {
    }

    /** Exact log-density of the test model at {@code x}. */
    public static double logDensity(Map<String, Double> x, double stdA) {
        double za = x.get("a") / stdA;
        double q = za * za + x.get("b") * x.get("b") + x.get("c") * x.get("c");
        return -0.5 * q - 1.5 * LOG_2PI - Math.log(stdA);
    }

    public static ModelVersion standardNormal(String name, long version, double stdA) {
        return standardNormal(name, version, stdA, List.of());
    }

    /**
     * The same density, conditioned on a categorical context field {@code region} with this vocabulary (none when
     * empty). The zero output layer ignores the context, so the density does not depend on it.
     */
    public static ModelVersion standardNormal(String name, long version, double stdA, List<String> regions) {
        List<CategoricalField> categorical = regions.isEmpty() ? List.of()
                : List.of(CategoricalField.newBuilder().setName("region").setVocabulary(regions).build());
        return standardNormal(name, version, stdA, categorical, thresholds(stdA));
    }

    /**
     * The same density conditioned on two categorical fields, entityType (grocery, travel) and region (eu, us),
     * with per-context thresholds (model format 5): at the warning level grocery×eu has its own threshold (−5) and
     * entityType=grocery one of −7; at the critical level there is no combination entry and grocery's is −9.
     * Globally the thresholds of {@link #standardNormal(String, long, double)} (about −8.43 and −10.89 for std 1).
     */
    public static ModelVersion withCombinationThresholds(String name, long version) {
        List<CategoricalField> categorical = List.of(
                CategoricalField.newBuilder().setName("entityType").setVocabulary(List.of("grocery", "travel")).build(),
                CategoricalField.newBuilder().setName("region").setVocabulary(List.of("eu", "us")).build());
        List<ThresholdSet> base = thresholds(1.0);
        List<String> fields = List.of("entityType", "region");
        List<ThresholdSet> thresholds = List.of(
                ThresholdSet.newBuilder(base.get(0)).setPerContext(List.of(
                        new io.normalcy.avro.ContextThreshold("entityType", "grocery", -7.0, 5_000L, false)))
                        .setPerCombination(List.of(new io.normalcy.avro.CombinationThreshold(fields,
                                List.of("grocery", "eu"), -5.0, 2_000L, false))).build(),
                ThresholdSet.newBuilder(base.get(1)).setPerContext(List.of(
                        new io.normalcy.avro.ContextThreshold("entityType", "grocery", -9.0, 5_000L, false))).build());
        return standardNormal(name, version, 1.0, categorical, thresholds);
    }

    /** The global chi-square thresholds of the test density (no per-context entries). */
    private static List<ThresholdSet> thresholds(double stdA) {
        double offset = -1.5 * LOG_2PI - Math.log(stdA);
        return List.of(
                ThresholdSet.newBuilder().setLevel(0.01).setSeverity(Severity.WARNING)
                        .setGlobal(-0.5 * CHI2_3_Q99 + offset).setGlobalCount(100_000).setPerContext(List.of()).build(),
                ThresholdSet.newBuilder().setLevel(0.001).setSeverity(Severity.CRITICAL)
                        .setGlobal(-0.5 * CHI2_3_Q999 + offset).setGlobalCount(100_000).setPerContext(List.of())
                        .build());
    }

    private static ModelVersion standardNormal(String name, long version, double stdA,
                                               List<CategoricalField> categorical, List<ThresholdSet> thresholds) {
        int contextDim = categorical.stream().mapToInt(f -> f.getVocabulary().size() + 1).sum();
        FlowSpec spec = FlowSpec.maf(3, contextDim, 1, 8);
        FlowParameters params = ParameterInitializer.initialize(spec, new Random(7));
        String outputWeight = MaskedAffineLayer.outputWeight(0);
        params.put(outputWeight, Tensor.zeros(params.get(outputWeight).shape()));
        List<NamedTensor> tensors = new ArrayList<>();
        params.asMap().forEach((n, t) -> tensors.add(NamedTensors.of(n, t.shape(), t.data())));
        List<Integer> hidden = new ArrayList<>();
        for (int h : spec.hidden()) {
            hidden.add(h);
        }
        Architecture arch = Architecture.newBuilder().setDim(3).setContextDim(contextDim).setBlocks(1).setHidden(hidden)
                .setActNorm(spec.actNorm()).setLuLinear(spec.luLinear()).setPermutation(spec.permutation().name())
                .setOrdering(spec.ordering().name()).setAdditive(false).setScaleClamp(spec.scaleClamp())
                .setSeed(spec.seed()).build();
        List<FeatureSpec> features = new ArrayList<>();
        Map<String, Double> typical = new LinkedHashMap<>();
        for (int i = 0; i < FEATURES.size(); i++) {
            double std = i == 0 ? stdA : 1.0;
            features.add(FeatureSpec.newBuilder().setName(FEATURES.get(i)).setIndex(i).setDequantize(false)
                    .setLog1p(false).setMean(0.0).setStd(std).build());
            typical.put(FEATURES.get(i), -0.5 * CHI2_1_MEDIAN - 0.5 * LOG_2PI - Math.log(std));
        }
        ContextSpecRecord context = ContextSpecRecord.newBuilder().setCategorical(categorical).setCyclic(List.of())
                .setNumeric(List.of()).build();
        double meanNll = 1.5 * (1 + LOG_2PI) + Math.log(stdA); // entropy of the Gaussian
        Provenance provenance = Provenance.newBuilder().setTrainerVersion("test").setSeed(7).setRecordCount(100_000)
                .setSkippedCount(0).setTrainNll(meanNll).setValidationNll(meanNll).setValidationCount(100_000)
                .setBackend("CPU").setCreatedAt(Instant.parse("2026-03-01T00:00:00Z")).setConfig(Map.of())
                .setSourceOffsets(Map.of())
                .setFeatureSchemaFingerprint(ModelDigests.featureSchemaFingerprint(features, context)).build();
        ModelVersion mv = ModelVersion.newBuilder().setFormatVersion(ModelDigests.CURRENT_FORMAT_VERSION)
                .setModel(name).setVersion(version).setFlowType(io.normalcy.avro.FlowType.MAF).setArchitecture(arch)
                .setFeatures(features).setContext(context).setThresholds(thresholds).setTypicalContributions(typical)
                .setTensors(tensors).setProvenance(provenance).setDigest(ByteBuffer.allocate(0)).build();
        return ModelDigests.withDigest(mv);
    }

    /**
     * The record of {@link #standardNormal(String, long, double)} (std 1) with a MAF_MOG flow instead (format version
     * 2, K = 3, randomly perturbed mixture base): the density is whatever the flow code computes, so tests compare
     * the detector's scores with {@code ModelStateMapper.fromState(record)} scored directly.
     */
    public static ModelVersion mixture(String name, long version) {
        ModelVersion base = standardNormal(name, version, 1.0);
        FlowSpec spec = new FlowSpec(io.normalcy.flow.model.FlowType.MAF_MOG, 3, 0, 1, new int[] {8}, true, false,
                io.normalcy.flow.model.PermutationMode.NONE, io.normalcy.flow.model.Ordering.NATURAL, false,
                FlowSpec.DEFAULT_SCALE_CLAMP, 42L, 3);
        Random rng = new Random(11);
        FlowParameters params = ParameterInitializer.initialize(spec, rng);
        List<NamedTensor> tensors = new ArrayList<>();
        params.asMap().forEach((n, t) -> {
            float[] d = t.data().clone();
            if (n.startsWith("base.")) {
                for (int i = 0; i < d.length; i++) {
                    d[i] += (float) (0.5 * rng.nextGaussian());
                }
            }
            tensors.add(NamedTensors.of(n, t.shape(), d));
        });
        ModelVersion mv = ModelVersion.newBuilder(base).setFormatVersion(2)
                .setFlowType(io.normalcy.avro.FlowType.MAF_MOG)
                .setArchitecture(Architecture.newBuilder(base.getArchitecture()).setComponents(3).build())
                .setTensors(tensors).setDigest(ByteBuffer.allocate(0)).build();
        return ModelDigests.withDigest(mv);
    }

    /** A copy with one parameter byte changed after the digest was computed (a corrupted record). */
    public static ModelVersion tampered(ModelVersion mv) {
        ModelVersion copy = ModelVersion.newBuilder(mv).build();
        List<NamedTensor> tensors = new ArrayList<>(copy.getTensors());
        NamedTensor t = tensors.get(0);
        byte[] data = bytes(t.getData());
        data[0] ^= 0x10;
        tensors.set(0, NamedTensor.newBuilder(t).setData(ByteBuffer.wrap(data)).build());
        copy.setTensors(tensors);
        return copy;
    }

    /** @param hmacSecret Base64 secret, as configured in normalcy.detector.signing.hmac-secret */
    public static ModelVersion signed(ModelVersion mv, String hmacSecret) {
        try {
            return ModelSigner.sign(mv, ModelSigner.hmacKey(java.util.Base64.getDecoder().decode(hmacSecret)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static AlertSubscription subscription(String id, List<String> models, Severity min, String entityPattern,
                                                 String topic, boolean enabled) {
        return AlertSubscription.newBuilder().setSubscriberId(id)
                .setFilter(SubscriptionFilter.newBuilder().setModels(models).setMinSeverity(min)
                        .setEntityPattern(entityPattern).setContextMatch(Map.of()).build())
                .setDelivery(SubscriptionDelivery.newBuilder().setKafkaTopic(topic).build())
                .setEnabled(enabled).setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
    }

    public static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /**
     * {@link #standardNormal(String, long, double)} whose second and third features are derived from the first
     * (format 3): the density is N(a; 0, stdA²) · N(a.diff; 0, 1) · N(a.mean_2; 0, 1), so a test computes the
     * expected log-density from the derived values by hand ({@link #logDensity} with b = a.diff, c = a.mean_2).
     */
    public static ModelVersion derived(String name, long version, double stdA) {
        return derived(name, version, stdA, "a.diff", "a.mean_2");
    }

    /**
     * {@link #derived(String, long, double)} with other derived features as the second and third: the density is
     * N(a; 0, stdA²) · N(second; 0, 1) · N(third; 0, 1) ({@link #logDensity} with b = second, c = third).
     */
    public static ModelVersion derived(String name, long version, double stdA, String second, String third) {
        ModelVersion base = standardNormal(name, version, stdA);
        List<String> names = List.of("a", second, third);
        List<FeatureSpec> features = new ArrayList<>();
        Map<String, Double> typical = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            FeatureSpec f = base.getFeatures().get(i);
            features.add(FeatureSpec.newBuilder(f).setName(names.get(i)).build());
            typical.put(names.get(i), base.getTypicalContributions().get(f.getName()));
        }
        Provenance provenance = Provenance.newBuilder(base.getProvenance())
                .setFeatureSchemaFingerprint(ModelDigests.featureSchemaFingerprint(features, base.getContext())).build();
        return ModelDigests.withDigest(ModelVersion.newBuilder(base).setFormatVersion(3).setFeatures(features)
                .setTypicalContributions(typical).setProvenance(provenance).setDerived(List.of(second, third))
                .setDigest(ByteBuffer.allocate(0)).build());
    }

    /**
     * {@code base} with missing-value policies (format 4, issue 12 item 4): feature → policy and held-out median.
     */
    public static ModelVersion withMissing(ModelVersion base, Map<String, io.normalcy.avro.MissingValuePolicy> policies) {
        return ModelDigests.withDigest(ModelVersion.newBuilder(base).setFormatVersion(4)
                .setMissing(new ArrayList<>(policies.values())).setDigest(ByteBuffer.allocate(0)).build());
    }

    public static io.normalcy.avro.MissingValuePolicy policy(String feature, io.normalcy.avro.MissingPolicy p,
                                                             double median) {
        return new io.normalcy.avro.MissingValuePolicy(feature, p, median);
    }
}
