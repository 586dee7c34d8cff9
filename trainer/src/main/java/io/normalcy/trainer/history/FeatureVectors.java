package io.normalcy.trainer.history;

import io.normalcy.avro.FeatureVector;
import io.normalcy.flow.fit.RawRecord;

import java.util.HashMap;
import java.util.Map;

/** Avro {@link FeatureVector} → flow's {@link RawRecord} (keeps Avro out of the flow module). */
public final class FeatureVectors {
    private FeatureVectors() {
    }

    public static RawRecord toRaw(FeatureVector v) {
        Map<String, Double> features = new HashMap<>();
        v.getFeatures().forEach((k, x) -> features.put(k.toString(), x));
        Map<String, String> context = new HashMap<>();
        v.getContext().forEach((k, x) -> context.put(k.toString(), x == null ? null : x.toString()));
        Map<String, Double> numeric = new HashMap<>();
        v.getContextNumeric().forEach((k, x) -> numeric.put(k.toString(), x));
        return new RawRecord(features, context, numeric, v.getEventTime().toEpochMilli());
    }
}
