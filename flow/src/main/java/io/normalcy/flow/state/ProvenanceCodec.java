package io.normalcy.flow.state;

import io.normalcy.avro.Provenance;
import io.normalcy.flow.model.ModelProvenance;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** {@link ModelProvenance} ⇄ Avro {@code Provenance} (maps written sorted by key, as the digest requires). */
final class ProvenanceCodec {
    private ProvenanceCodec() {
    }

    static Provenance encode(ModelProvenance p, String featureSchemaFingerprint) {
        return Provenance.newBuilder().setTrainerVersion(p.trainerVersion()).setSeed(p.seed())
                .setDataWindowStart(instant(p.dataWindowStart())).setDataWindowEnd(instant(p.dataWindowEnd()))
                .setSourceOffsets(new TreeMap<>(p.sourceOffsets())).setRecordCount(p.recordCount())
                .setSkippedCount(p.skippedCount()).setTrainNll(p.trainNll()).setValidationNll(p.validationNll())
                .setValidationCount(p.validationCount()).setBackend(p.backend()).setCreatedAt(Instant.ofEpochMilli(p.createdAt()))
                .setConfig(new TreeMap<>(p.config())).setFeatureSchemaFingerprint(featureSchemaFingerprint)
                .build();
    }

    static ModelProvenance decode(Provenance p) {
        return new ModelProvenance(p.getTrainerVersion(), p.getSeed(), millis(p.getDataWindowStart()),
                millis(p.getDataWindowEnd()),
                p.getSourceOffsets() == null ? Map.of() : p.getSourceOffsets(), p.getRecordCount(),
                p.getSkippedCount(), p.getTrainNll(), p.getValidationNll(), p.getValidationCount(), p.getBackend(),
                p.getCreatedAt() == null ? 0L : p.getCreatedAt().toEpochMilli(), p.getConfig() == null ? Map.of() : p.getConfig());
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }
}
