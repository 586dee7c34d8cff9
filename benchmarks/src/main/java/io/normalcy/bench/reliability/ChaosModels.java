package io.normalcy.bench.reliability;

import io.normalcy.avro.Architecture;
import io.normalcy.avro.ContextSpecRecord;
import io.normalcy.avro.FeatureSpec;
import io.normalcy.avro.FlowType;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.NamedTensor;
import io.normalcy.avro.Provenance;
import io.normalcy.avro.Severity;
import io.normalcy.avro.ThresholdSet;
import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.model.Tensor;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.NamedTensors;
import io.normalcy.schemas.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The suite's model, published straight to the models topic (no trainer needed), and the malformed model records
 * the bad-model case writes over it.
 *
 * <p>The model has a density known in closed form: a one-block MAF whose output layer is zero is the identity, so
 * for standardised features it is N(0, I₃) over {@code a, b, c}; its thresholds are the chi-square(3) quantiles
 * (P(χ²₃ > 11.3449) = 1 %, P(χ²₃ > 16.2662) = 0.1 %). So about 1 % of normal traffic alerts at WARNING and an
 * event with |a| ≥ 7 is CRITICAL, without training anything (the same construction as the detector's TestModels).
 * It is signed with the run's HMAC secret so the signature checks are exercised.
 */
final class ChaosModels {
    static final List<String> FEATURES = List.of("a", "b", "c");
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final double CHI2_3_Q99 = 11.3449;
    private static final double CHI2_3_Q999 = 16.2662;
    private static final double CHI2_1_MEDIAN = 0.45494;
    private static final double CHI2_11_Q99 = 24.7250;
    private static final double CHI2_11_Q999 = 31.2641;
    /**
     * The derived-feature model's derived features: a lag, a difference, event-window mean / std / min, a time-window
     * max and count, the time since the previous event (docs/design.md, "Derived features").
     */
    static final List<String> DERIVED = List.of("a.lag_1", "a.diff", "a.mean_10", "a.std_10", "b.max_2s", "c.min_5",
            "since_previous", "count_5s");
    private static final AvroSerde<ModelVersion> SERDE = AvroSerde.of(ModelVersion.class);

    /** A malformed or stale record for the models topic; {@code value == null} is a tombstone. */
    record BadModel(String kind, String key, byte[] value, String why) {
    }

    private final byte[] secret;
    private final Key key;

    /** @param seed the secret is derived from it, so a run is reproducible */
    ChaosModels(long seed) {
        this.secret = new byte[32];
        new Random(seed ^ 0x5EC2E7L).nextBytes(secret);
        this.key = ModelSigner.hmacKey(secret);
    }

    /** The value of {@code normalcy.detector.signing.hmac-secret} that verifies {@link #signed}. */
    String hmacSecretBase64() {
        return Base64.getEncoder().encodeToString(secret);
    }

    /** Version {@code version} of model {@code name}, signed. */
    ModelVersion signed(String name, long version) {
        return sign(unsigned(name, version), key);
    }

    static byte[] bytes(ModelVersion mv) {
        return SERDE.serialize("models", mv);
    }

    /**
     * Every bad-model kind, each keyed as model {@code name} (what a buggy or hostile producer of the models topic
     * would write), newer than {@code good} unless the point is that it is older. Order matters for compaction: the
     * last one is a tombstone.
     */
    List<BadModel> badModels(String name, ModelVersion good, ModelVersion older) {
        long v = good.getVersion() + 1;
        String vk = ModelKeys.versionKey(name, v); // the key the next real version would have
        ModelVersion base = unsigned(name, v);
        List<BadModel> out = new ArrayList<>();
        byte[] junk = new byte[300];
        new Random(v).nextBytes(junk);
        junk[0] = 0x00; // not the Avro single-object marker
        out.add(new BadModel("junk-bytes", name, junk, "random bytes keyed as the model (legacy key)"));
        out.add(new BadModel("unsigned", vk, bytes(ModelDigests.withDigest(base)),
                "newer version without a signature while a key is configured"));
        Key other = ModelSigner.hmacKey(("another key, not the detector's one " + v).getBytes());
        out.add(new BadModel("wrong-signature", vk, bytes(sign(base, other)), "signed with another key"));
        out.add(new BadModel("tampered-digest", vk, bytes(tampered(sign(base, key))),
                "a parameter byte changed after signing (digest no longer matches)"));
        out.add(new BadModel("non-finite-tensor", vk, bytes(sign(withNaN(base), key)),
                "a NaN parameter, correctly digested and signed"));
        out.add(new BadModel("wrong-shapes", vk, bytes(sign(withWrongShape(base), key)),
                "a tensor shape that does not fit the architecture, digested and signed"));
        out.add(new BadModel("name-mismatch", vk, bytes(sign(unsigned(name + "-other", v), key)),
                "another model's (valid, signed) version under this model's key"));
        out.add(new BadModel("replayed-older", name, bytes(older),
                "a valid, signed, older version published again under the model name (legacy key)"));
        out.add(new BadModel("unsigned-tombstone-version", vk, null,
                "a tombstone (null value) nobody signed, under a version key"));
        out.add(new BadModel("unsigned-tombstone", name, null,
                "a tombstone (null value) nobody signed, under the model name (legacy key)"));
        return out;
    }

    private static ModelVersion sign(ModelVersion mv, Key k) {
        try {
            return ModelSigner.sign(mv, k);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign the suite's model", e);
        }
    }

    private static ModelVersion tampered(ModelVersion mv) {
        return withTensor(mv, 0, t -> {
            byte[] data = arrayOf(t.getData());
            data[0] ^= 0x10;
            return NamedTensor.newBuilder(t).setData(ByteBuffer.wrap(data)).build();
        });
    }

    private static ModelVersion withNaN(ModelVersion mv) {
        return withTensor(mv, 0, t -> {
            float[] values = NamedTensors.values(t);
            values[0] = Float.NaN;
            return NamedTensors.of(t.getName(), NamedTensors.shape(t), values);
        });
    }

    /** The first 2-D tensor with its dimensions swapped (same number of values, wrong layout). */
    private static ModelVersion withWrongShape(ModelVersion mv) {
        for (int i = 0; i < mv.getTensors().size(); i++) {
            int[] shape = NamedTensors.shape(mv.getTensors().get(i));
            if (shape.length == 2 && shape[0] != shape[1]) {
                return withTensor(mv, i, t -> NamedTensor.newBuilder(t)
                        .setShape(List.of(shape[1], shape[0])).build());
            }
        }
        throw new IllegalStateException("the suite's model has no non-square 2-D tensor");
    }

    private static ModelVersion withTensor(ModelVersion mv, int index,
                                           java.util.function.UnaryOperator<NamedTensor> change) {
        ModelVersion copy = ModelVersion.newBuilder(mv).build();
        List<NamedTensor> tensors = new ArrayList<>(copy.getTensors());
        tensors.set(index, change.apply(tensors.get(index)));
        copy.setTensors(tensors);
        return copy;
    }

    private static byte[] arrayOf(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    /** The closed-form model (see the class comment), digested, not signed. */
    static ModelVersion unsigned(String name, long version) {
        return closedForm(name, version, FEATURES, List.of(), new double[3], ones(3), CHI2_3_Q99, CHI2_3_Q999);
    }

    /**
     * Version {@code version} of model {@code name} with derived features ({@link #DERIVED}, computed by the detector
     * from each entity's history), signed: the same closed-form N(0, I) construction over the standardised raw and
     * derived features. The standardisation roughly centres the derived values of the suite's traffic (40 entities,
     * 400 ms apart in event time); the thresholds are the chi-square(11) quantiles. The scores' exact values, not
     * their calibration, are what the derived-feature kill case compares.
     */
    ModelVersion signedDerived(String name, long version) {
        List<String> all = new ArrayList<>(FEATURES);
        all.addAll(DERIVED);
        double[] mean = {0, 0, 0, 0, 0, 0, 0.95, 1.16, -1.16, 0.4, 12};
        double[] std = {1, 1, 1, 1, 1.41, 0.32, 0.23, 0.67, 0.67, 0.3, 1.5};
        return sign(closedForm(name, version, all, DERIVED, mean, std, CHI2_11_Q99, CHI2_11_Q999), key);
    }

    private static double[] ones(int n) {
        double[] o = new double[n];
        java.util.Arrays.fill(o, 1.0);
        return o;
    }

    private static ModelVersion closedForm(String name, long version, List<String> names, List<String> derived,
                                           double[] mean, double[] std, double q99, double q999) {
        int dim = names.size();
        FlowSpec spec = FlowSpec.maf(dim, 0, 1, 8);
        FlowParameters params = ParameterInitializer.initialize(spec, new Random(7));
        String outputWeight = MaskedAffineLayer.outputWeight(0);
        params.put(outputWeight, Tensor.zeros(params.get(outputWeight).shape()));
        List<NamedTensor> tensors = new ArrayList<>();
        params.asMap().forEach((n, t) -> tensors.add(NamedTensors.of(n, t.shape(), t.data())));
        List<Integer> hidden = new ArrayList<>();
        for (int h : spec.hidden()) {
            hidden.add(h);
        }
        Architecture arch = Architecture.newBuilder().setDim(dim).setContextDim(0).setBlocks(1).setHidden(hidden)
                .setActNorm(spec.actNorm()).setLuLinear(spec.luLinear()).setPermutation(spec.permutation().name())
                .setOrdering(spec.ordering().name()).setAdditive(false).setScaleClamp(spec.scaleClamp())
                .setSeed(spec.seed()).build();
        List<FeatureSpec> features = new ArrayList<>();
        Map<String, Double> typical = new LinkedHashMap<>();
        for (int i = 0; i < dim; i++) {
            features.add(FeatureSpec.newBuilder().setName(names.get(i)).setIndex(i).setDequantize(false)
                    .setLog1p(false).setMean(mean[i]).setStd(std[i]).build());
            typical.put(names.get(i), -0.5 * CHI2_1_MEDIAN - 0.5 * LOG_2PI - Math.log(std[i]));
        }
        ContextSpecRecord context = ContextSpecRecord.newBuilder().setCategorical(List.of()).setCyclic(List.of())
                .setNumeric(List.of()).build();
        double offset = -0.5 * dim * LOG_2PI;
        for (double s : std) {
            offset -= Math.log(s);
        }
        List<ThresholdSet> thresholds = List.of(
                ThresholdSet.newBuilder().setLevel(0.01).setSeverity(Severity.WARNING)
                        .setGlobal(-0.5 * q99 + offset).setGlobalCount(100_000).setPerContext(List.of()).build(),
                ThresholdSet.newBuilder().setLevel(0.001).setSeverity(Severity.CRITICAL)
                        .setGlobal(-0.5 * q999 + offset).setGlobalCount(100_000).setPerContext(List.of())
                        .build());
        double meanNll = 0.5 * dim * (1 + LOG_2PI);
        Provenance provenance = Provenance.newBuilder().setTrainerVersion("chaos").setSeed(7).setRecordCount(100_000)
                .setSkippedCount(0).setTrainNll(meanNll).setValidationNll(meanNll).setValidationCount(100_000)
                .setBackend("CPU").setCreatedAt(Instant.parse("2026-03-01T00:00:00Z").plusSeconds(version))
                .setConfig(Map.of()).setSourceOffsets(Map.of())
                .setFeatureSchemaFingerprint(ModelDigests.featureSchemaFingerprint(features, context)).build();
        ModelVersion mv = ModelVersion.newBuilder().setFormatVersion(ModelDigests.CURRENT_FORMAT_VERSION)
                .setModel(name).setVersion(version).setFlowType(FlowType.MAF).setArchitecture(arch)
                .setFeatures(features).setContext(context).setThresholds(thresholds).setTypicalContributions(typical)
                .setTensors(tensors).setProvenance(provenance).setDerived(new ArrayList<>(derived))
                .setDigest(ByteBuffer.allocate(0)).build();
        return ModelDigests.withDigest(mv);
    }
}
