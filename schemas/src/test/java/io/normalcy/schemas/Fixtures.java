package io.normalcy.schemas;

import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Architecture;
import io.normalcy.avro.CategoricalField;
import io.normalcy.avro.ContextSpecRecord;
import io.normalcy.avro.ContextThreshold;
import io.normalcy.avro.CyclicField;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterHeader;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.avro.FeatureSpec;
import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.FlowType;
import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.NumericField;
import io.normalcy.avro.Provenance;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;
import io.normalcy.avro.ThresholdSet;
import io.normalcy.avro.TrainingState;
import io.normalcy.avro.TrainingStatus;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Test records of every top-level type: {@code full} sets every optional field, {@code minimal} none. */
public final class Fixtures {

    public static final Instant T0 = Instant.parse("2026-11-24T10:00:00.123Z");

    private Fixtures() {
    }

    public static FeatureVector featureVectorMinimal() {
        return FeatureVector.newBuilder().setModel("payments").setEntity("card-1").setEventTime(T0)
                .setFeatures(Map.of("amount", 12.5)).build();
    }

    public static FeatureVector featureVectorFull() {
        return FeatureVector.newBuilder().setModel("payments").setEntity("card-1").setEventTime(T0)
                .setContext(Map.of("region", "eu", "channel", "web"))
                .setContextNumeric(Map.of("age", 3.5))
                .setFeatures(Map.of("amount", 12.5, "count", 3.0, "tiny", -1e-300))
                .setAttributes(Map.of("merchant", "m-9"))
                .setEventId("tx-42").build();
    }

    public static ScoredEvent scoredEventMinimal() {
        return ScoredEvent.newBuilder().setEntity("card-1").setEventTime(T0).setModel("payments").setModelVersion(7)
                .setSourceTopic("normalcy.features").setSourcePartition(2).setSourceOffset(99).setLogDensity(-3.25)
                .setThreshold(-9.5).setQuantileLevel(0.01).setSeverity(Severity.NORMAL)
                .setScoredAt(T0.plusSeconds(1)).build();
    }

    public static ScoredEvent scoredEventFull() {
        return ScoredEvent.newBuilder(scoredEventMinimal()).setEventId("tx-42")
                .setContributions(Map.of("amount", -2.0, "count", -1.25)).setContributionTerms(List.of(-2.0f, -1.25f))
                .setThresholdScope("region=eu")
                .setSeverity(Severity.CRITICAL).setPValue(2.5e-4).build();
    }

    public static Alert alertMinimal() {
        return Alert.newBuilder().setAlertId("0123456789abcdef0123456789abcdef").setEntity("card-1").setEventTime(T0)
                .setModel("payments").setModelVersion(7).setLogDensity(-20).setThreshold(-9.5).setQuantileLevel(0.01)
                .setSeverity(Severity.WARNING).setCreatedAt(T0.plusSeconds(2)).build();
    }

    public static Alert alertFull() {
        return Alert.newBuilder(alertMinimal()).setThresholdScope("region=eu")
                .setTopFeatures(List.of(new FeatureContribution("amount", 9999.0, -15.0, -2.0, 13.0, 12.0, 310.0, 0.99)))
                .setContext(Map.of("region", "eu")).setContextNumeric(Map.of("age", 3.5))
                .setFeatures(Map.of("amount", 9999.0)).setAttributes(Map.of("merchant", "m-9"))
                .setEventId("tx-42").setSourceTopic("normalcy.features").setSourcePartition(1).setSourceOffset(5L)
                .setPValue(2.5e-4).build();
    }

    public static ModelVersion modelVersionMinimal() {
        return ModelVersion.newBuilder().setFormatVersion(ModelDigests.CURRENT_FORMAT_VERSION).setModel("payments")
                .setVersion(1).setFlowType(FlowType.REALNVP)
                .setArchitecture(Architecture.newBuilder().setDim(1).setContextDim(0).setBlocks(1).setHidden(List.of(4))
                        .setActNorm(false).setLuLinear(false).setPermutation("NONE").setOrdering("NATURAL")
                        .setAdditive(true).setSeed(1).build())
                .setFeatures(List.of(new FeatureSpec("amount", 0, false, false, 0.0, 1.0, 0.0)))
                .setContext(ContextSpecRecord.newBuilder().build())
                .setTensors(List.of())
                .setProvenance(Provenance.newBuilder().setTrainerVersion("0.1.0").setSeed(1).setRecordCount(10)
                        .setSkippedCount(0).setTrainNll(1.0).setValidationNll(1.1).setValidationCount(2)
                        .setBackend("CPU").setCreatedAt(T0).setFeatureSchemaFingerprint("00").build())
                .setDigest(ByteBuffer.allocate(0)).build();
    }

    public static ModelVersion modelVersionFull() {
        return ModelVersion.newBuilder().setFormatVersion(ModelDigests.CURRENT_FORMAT_VERSION).setModel("payments")
                .setVersion(42).setFlowType(FlowType.MAF)
                .setArchitecture(new Architecture(2, 5, 2, List.of(16, 16), true, true, "REVERSE", "NATURAL", false, 3.0, 7L, 0))
                .setFeatures(List.of(new FeatureSpec("amount", 0, false, true, 2.5, 1.25, 0.0),
                        new FeatureSpec("count", 1, true, false, 3.0, 2.0, 0.0)))
                .setContext(new ContextSpecRecord(List.of(new CategoricalField("region", List.of("eu", "us"))),
                        List.of(new CyclicField("hour", "@hourOfDay", 24.0)), List.of(new NumericField("age", 30.0, 10.0))))
                .setThresholds(List.of(new ThresholdSet(0.01, Severity.WARNING, -9.5, 1000L,
                                List.of(new ContextThreshold("region", "eu", -9.0, 600L, false),
                                        new ContextThreshold("region", "us", -9.5, 3L, true)), List.of()),
                        new ThresholdSet(0.001, Severity.CRITICAL, -14.0, 1000L, List.of(), List.of())))
                .setTypicalContributions(Map.of("amount", -1.5, "count", -0.75))
                .setTensors(List.of(NamedTensors.of("b0.actnorm.scale", new int[] {2}, new float[] {0.5f, -0.25f}),
                        NamedTensors.of("b0.actnorm.bias", new int[] {2}, new float[] {1f, 2f})))
                .setProvenance(Provenance.newBuilder().setTrainerVersion("0.1.0").setSeed(7)
                        .setDataWindowStart(T0.minusSeconds(86400)).setDataWindowEnd(T0)
                        .setSourceOffsets(Map.of("normalcy.features-0", 100L, "normalcy.features-1", 250L))
                        .setRecordCount(350).setSkippedCount(4).setTrainNll(2.5).setValidationNll(2.75)
                        .setValidationCount(70).setBackend("GPU: test").setCreatedAt(T0)
                        .setConfig(Map.of("epochs", "20", "lr", "0.001")).setFeatureSchemaFingerprint("ab12")
                        .setTrainingMillis(1234L).build())
                .setDigest(ByteBuffer.wrap(new byte[32]))
                .setSignature(ByteBuffer.wrap("sig".getBytes(StandardCharsets.UTF_8)))
                .setSignatureAlgorithm("HmacSHA256").build();
    }

    public static RetrainRequest retrainMinimal() {
        return RetrainRequest.newBuilder().setRequestId("r-1").setModel("payments").setRequestedAt(T0).build();
    }

    public static RetrainRequest retrainFull() {
        return RetrainRequest.newBuilder(retrainMinimal()).setReason("drift").setWindowStart(T0.minusSeconds(3600))
                .setWindowEnd(T0).setMaxRecords(100_000L).setOverrides(Map.of("epochs", "5")).setRequestedBy("ops")
                .build();
    }

    public static AlertSubscription subscriptionMinimal() {
        return AlertSubscription.newBuilder().setSubscriberId("team-a")
                .setFilter(SubscriptionFilter.newBuilder().build())
                .setDelivery(SubscriptionDelivery.newBuilder().build())
                .setCreatedAt(T0).setUpdatedAt(T0).build();
    }

    public static AlertSubscription subscriptionFull() {
        return AlertSubscription.newBuilder(subscriptionMinimal())
                .setFilter(new SubscriptionFilter(List.of("payments"), Severity.CRITICAL, "card-.*", Map.of("region", "eu")))
                .setDelivery(new SubscriptionDelivery("alerts.team-a", "https://example.org/hook",
                        Map.of("Authorization", "Bearer x")))
                .setEnabled(false).setUpdatedAt(T0.plusSeconds(60)).setSigningSecret("whsec_fixture-secret").build();
    }

    public static DeadLetter deadLetterMinimal() {
        return DeadLetter.newBuilder().setSourceTopic("normalcy.features").setPartition(0).setOffset(1)
                .setErrorClass("org.apache.kafka.common.errors.SerializationException")
                .setReason(DeadLetterReason.DESERIALIZATION).setFailedAt(T0).setApplication("normalcy-detector").build();
    }

    public static DeadLetter deadLetterFull() {
        return DeadLetter.newBuilder(deadLetterMinimal()).setKey(ByteBuffer.wrap(new byte[] {1, 2}))
                .setValue(ByteBuffer.wrap(new byte[] {(byte) 0xC3, 0x01, 9}))
                .setHeaders(List.of(new DeadLetterHeader("trace", ByteBuffer.wrap(new byte[] {7})),
                        new DeadLetterHeader("empty", null)))
                .setSourceTimestamp(T0.minusSeconds(5)).setReason(DeadLetterReason.MISSING_FEATURE)
                .setMessage("feature 'amount' missing").setModel("payments").setTruncated(true)
                .setOriginalKeySize(2).setOriginalValueSize(30).build();
    }

    public static TrainingStatus trainingStatusMinimal() {
        return TrainingStatus.newBuilder().setRequestId("r-1").setModel("payments").setState(TrainingState.QUEUED)
                .setUpdatedAt(T0).build();
    }

    public static TrainingStatus trainingStatusFull() {
        return TrainingStatus.newBuilder(trainingStatusMinimal()).setState(TrainingState.SUCCEEDED).setEpoch(20)
                .setTotalEpochs(20).setTrainLoss(2.5).setValidationLoss(2.75).setPublishedVersion(42L)
                .setMessage("done").build();
    }

    public static ModelControl modelControlMinimal() {
        return ModelControls.unpin("payments", 2, T0, null, null);
    }

    public static ModelControl modelControlFull() {
        return ModelControl.newBuilder(ModelControls.pin("payments", 3, 7, T0, "rollback", "k1"))
                .setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3})).setSignatureAlgorithm("HmacSHA256").build();
    }

    /** Every fixture, full and minimal, for parameterised tests. */
    public static List<SpecificRecord> all() {
        return List.of(featureVectorMinimal(), featureVectorFull(), scoredEventMinimal(), scoredEventFull(),
                alertMinimal(), alertFull(), modelVersionMinimal(), modelVersionFull(), retrainMinimal(), retrainFull(),
                subscriptionMinimal(), subscriptionFull(), deadLetterMinimal(), deadLetterFull(),
                trainingStatusMinimal(), trainingStatusFull(), modelControlMinimal(), modelControlFull());
    }
}
