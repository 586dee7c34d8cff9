package io.normalcy.detector.api;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.core.annotation.Nullable;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.model.ModelLedger;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.security.Roles;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /models}: which model versions this detector scores with right now (operators, dashboards, tests),
 * and whether a pin (rollback) chose it rather than "newest accepted".
 */
@Controller("/models")
public class ModelsController {
    private final ModelRegistry registry;

    ModelsController(ModelRegistry registry) {
        this.registry = registry;
    }

    @Get
    @Secured({Roles.READ, Roles.ADMIN})
    public List<ModelInfo> models() {
        return registry.all().stream().map(m -> info(m, registry.serving(m.name()))).toList();
    }

    static ModelInfo info(LoadedModel lm, ModelLedger.Serving serving) {
        NormalcyModel m = lm.model();
        List<LevelInfo> levels = m.thresholds().levels().stream().map(ModelsController::level).toList();
        return new ModelInfo(m.name(), m.version(), m.spec().type().name(), m.featureNames(),
                Instant.ofEpochMilli(m.provenance().createdAt()), lm.loadedAt(), lm.digestHex(),
                lm.signatureAlgorithm(), m.featureSchemaFingerprint(), levels,
                serving != null && serving.pinned(), serving == null ? m.version() : serving.newest(),
                lm.signingKeyId());
    }

    private static LevelInfo level(ThresholdLevel l) {
        Map<String, Map<String, Double>> perContext = new LinkedHashMap<>();
        l.perContext().forEach((field, values) -> {
            Map<String, Double> inner = new LinkedHashMap<>();
            values.forEach((value, t) -> {
                if (!t.fallback()) {
                    inner.put(value, t.threshold());
                }
            });
            perContext.put(field, inner);
        });
        return new LevelInfo(l.level(), l.severity().name(), l.global(), l.globalCount(), perContext);
    }

    /**
     * One loaded model. {@code pinned}: a PIN record chose {@code version}; {@code newestVersion}: the newest
     * accepted version (= {@code version} unless pinned); {@code signingKeyId}: the key that verified it.
     */
    @Serdeable
    public record ModelInfo(String name, long version, String flowType, List<String> features, Instant createdAt,
                            Instant loadedAt, String digest, String signatureAlgorithm,
                            String featureSchemaFingerprint, List<LevelInfo> thresholds, boolean pinned,
                            long newestVersion, @Nullable String signingKeyId) {
    }

    /** One threshold level; {@code perContext} lists non-fallback thresholds (field → value → threshold). */
    @Serdeable
    public record LevelInfo(double level, String severity, double global, long globalCount,
                            Map<String, Map<String, Double>> perContext) {
    }

}
