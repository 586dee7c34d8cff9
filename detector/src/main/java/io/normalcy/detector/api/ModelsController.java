package io.normalcy.detector.api;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.serde.annotation.Serdeable;
import io.micronaut.core.annotation.Nullable;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.detector.console.RetrainRequests;
import io.normalcy.detector.model.LoadedModel;
import io.normalcy.detector.model.ModelLedger;
import io.normalcy.detector.model.ModelRegistry;
import io.normalcy.flow.model.ModelProvenance;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.ThresholdLevel;
import io.normalcy.security.ApiError;
import io.normalcy.security.Roles;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.KafkaException;

/**
 * {@code GET /models}: which model versions this detector scores with right now (operators, dashboards, tests, the
 * web console), whether a pin (rollback) chose it rather than "newest accepted", and what the artifact says about
 * its training (provenance, typical per-feature terms). {@code POST /models/{name}/retrain} (admin) asks the
 * trainer for a new version through the retrain topic, as drift does: 202 with the request, 404 for a model this
 * detector has not loaded (the console only offers loaded ones; the trainer's own API takes any configured model),
 * 503 when Kafka does not acknowledge it.
 */
@Controller("/models")
public class ModelsController {
    private final ModelRegistry registry;
    private final RetrainRequests retrain;

    ModelsController(ModelRegistry registry, RetrainRequests retrain) {
        this.registry = registry;
        this.retrain = retrain;
    }

    @Get
    @Secured({Roles.READ, Roles.ADMIN})
    public List<ModelInfo> models() {
        return registry.all().stream().map(m -> info(m, registry.serving(m.name()))).toList();
    }

    @Post(value = "/{name}/retrain", produces = MediaType.APPLICATION_JSON)
    @Secured(Roles.ADMIN)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> retrain(@PathVariable String name, @Nullable Authentication caller) {
        if (registry.get(name) == null) {
            return HttpResponse.notFound(ApiError.of("no model '" + name + "' is loaded on this detector"));
        }
        try {
            RetrainRequest r = retrain.request(name, caller == null ? "console" : caller.getName());
            return HttpResponse.accepted().body(new RetrainAccepted(r.getRequestId(), r.getModel(), r.getReason(),
                    r.getRequestedAt(), r.getRequestedBy()));
        } catch (KafkaException e) {
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(ApiError.of(e.getMessage()));
        }
    }

    static ModelInfo info(LoadedModel lm, ModelLedger.Serving serving) {
        NormalcyModel m = lm.model();
        List<LevelInfo> levels = m.thresholds().levels().stream().map(ModelsController::level).toList();
        return new ModelInfo(m.name(), m.version(), m.spec().type().name(), m.featureNames(),
                Instant.ofEpochMilli(m.provenance().createdAt()), lm.loadedAt(), lm.digestHex(),
                lm.signatureAlgorithm(), m.featureSchemaFingerprint(), levels,
                serving != null && serving.pinned(), serving == null ? m.version() : serving.newest(),
                lm.signingKeyId(), provenance(m.provenance()), m.typicalContributions());
    }

    private static Provenance provenance(ModelProvenance p) {
        if (p == null) {
            return null;
        }
        return new Provenance(p.trainerVersion(), p.seed(), instant(p.dataWindowStart()), instant(p.dataWindowEnd()),
                p.recordCount(), p.skippedCount(), finite(p.trainNll()), finite(p.validationNll()),
                p.validationCount(), p.backend(), p.config());
    }

    private static Instant instant(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
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
        Map<String, Double> perCombination = new LinkedHashMap<>();
        l.perCombination().forEach((c, t) -> {
            if (!t.fallback()) {
                perCombination.put(c.scope(), t.threshold());
            }
        });
        return new LevelInfo(l.level(), l.severity().name(), l.global(), l.globalCount(), perContext,
                perCombination);
    }

    /**
     * One loaded model. {@code pinned}: a PIN record chose {@code version}; {@code newestVersion}: the newest
     * accepted version (= {@code version} unless pinned); {@code signingKeyId}: the key that verified it;
     * {@code typicalContributions}: each feature's typical log-density term on normal data (what alert explanations
     * compare against).
     */
    @Serdeable
    public record ModelInfo(String name, long version, String flowType, List<String> features, Instant createdAt,
                            Instant loadedAt, String digest, String signatureAlgorithm,
                            String featureSchemaFingerprint, List<LevelInfo> thresholds, boolean pinned,
                            long newestVersion, @Nullable String signingKeyId, @Nullable Provenance provenance,
                            Map<String, Double> typicalContributions) {
    }

    /**
     * What the artifact records of its training: final train and held-out negative log-likelihood (nats/event; the
     * per-epoch curve is in the trainer's report, not in the artifact), data window and counts, seed, backend and the
     * trainer's configuration of the model. Non-finite numbers are null.
     */
    @Serdeable
    public record Provenance(String trainerVersion, long seed, @Nullable Instant dataWindowStart,
                             @Nullable Instant dataWindowEnd, long recordCount, long skippedCount,
                             @Nullable Double trainNll, @Nullable Double validationNll, long validationCount,
                             String backend, Map<String, String> config) {
    }

    /** A retrain request that the broker acknowledged; the trainer reports progress under {@code requestId}. */
    @Serdeable
    public record RetrainAccepted(String requestId, String model, String reason, Instant requestedAt,
                                  @Nullable String requestedBy) {
    }

    /**
     * One threshold level; {@code perContext} lists non-fallback thresholds (field → value → threshold),
     * {@code perCombination} those of combinations of all categorical fields (scope as in alerts, e.g.
     * {@code entityType=grocery,region=eu} → threshold; model format 5), which apply before the single fields.
     */
    @Serdeable
    public record LevelInfo(double level, String severity, double global, long globalCount,
                            Map<String, Map<String, Double>> perContext, Map<String, Double> perCombination) {
    }

}
