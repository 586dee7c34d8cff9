package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelVersion;
import io.normalcy.avro.ThresholdSet;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Avro {@link ModelVersion} → {@link ModelSummary}. */
public final class ModelSummaries {
    private ModelSummaries() {
    }

    public static ModelSummary of(ModelVersion m) {
        var p = m.getProvenance();
        List<ModelSummary.Level> levels = new ArrayList<>();
        for (ThresholdSet t : m.getThresholds()) {
            List<ModelSummary.Context> ctx = new ArrayList<>();
            t.getPerContext().forEach(c -> ctx.add(new ModelSummary.Context(c.getField(), c.getValue(),
                    c.getThreshold(), c.getCount(), c.getFallback())));
            List<ModelSummary.Combination> combinations = new ArrayList<>();
            t.getPerCombination().forEach(c -> combinations.add(new ModelSummary.Combination(
                    scope(c.getFields(), c.getValues()), c.getThreshold(), c.getCount(), c.getFallback())));
            levels.add(new ModelSummary.Level(t.getLevel(), t.getSeverity().name(), t.getGlobal(), t.getGlobalCount(),
                    ctx, combinations));
        }
        Map<String, String> config = new TreeMap<>();
        p.getConfig().forEach((k, v) -> config.put(k.toString(), v.toString()));
        return new ModelSummary(m.getModel(), m.getVersion(), p.getCreatedAt().toEpochMilli(), m.getFlowType().name(),
                m.getFeatures().stream().map(f -> f.getName()).toList(), p.getRecordCount(), p.getSkippedCount(),
                p.getValidationCount(), p.getTrainNll(), p.getValidationNll(), p.getTrainingMillis(),
                millis(p.getDataWindowStart()), millis(p.getDataWindowEnd()),
                HexFormat.of().formatHex(m.getDigest().array(), m.getDigest().arrayOffset() + m.getDigest().position(),
                        m.getDigest().arrayOffset() + m.getDigest().limit()),
                m.getSignatureAlgorithm(), levels, config);
    }

    /**
     * The detector's scope string of a stored combination ({@code entityType=grocery,region=eu}); field and value
     * lists of a record that passed {@code ModelStateMapper} have the same length.
     */
    public static String scope(List<String> fields, List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            sb.append(i > 0 ? "," : "").append(fields.get(i)).append('=').append(i < values.size() ? values.get(i) : "");
        }
        return sb.toString();
    }

    private static Long millis(Instant t) {
        return t == null ? null : t.toEpochMilli();
    }
}
