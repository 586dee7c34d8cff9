package io.normalcy.trainer.web;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.normalcy.security.ApiError;
import io.normalcy.trainer.status.StatusReporter;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.annotation.Secured;
import io.normalcy.security.Roles;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.config.OverrideBounds;
import io.normalcy.trainer.publish.ModelCatalog;
import io.normalcy.trainer.publish.ModelSummary;
import io.normalcy.trainer.queue.TrainingRequest;
import io.normalcy.trainer.service.ArtifactStore;
import io.normalcy.trainer.service.RetrainIntake;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;

/**
 * REST API of the trainer: models, versions, reports and request statuses (read role) and retrain (admin role;
 * overrides may not exceed the model's configuration, {@link OverrideBounds}).
 */
@Controller("/models")
public class ModelsController {
    private final ModelRegistry registry;
    private final ModelCatalog catalog;
    private final ArtifactStore artifacts;
    private final RetrainIntake intake;
    private final StatusReporter status;

    public ModelsController(ModelRegistry registry, ModelCatalog catalog, ArtifactStore artifacts, RetrainIntake intake,
                            StatusReporter status) {
        this.registry = registry;
        this.catalog = catalog;
        this.artifacts = artifacts;
        this.intake = intake;
        this.status = status;
    }

    @Get
    @Secured({Roles.READ, Roles.ADMIN})
    public List<ModelView.Entry> list() {
        TreeSet<String> names = new TreeSet<>(registry.names());
        names.addAll(catalog.names());
        return names.stream().map(n -> {
            Optional<ModelSummary> l = catalog.latest(n);
            return new ModelView.Entry(n, registry.find(n).isPresent(), l.map(ModelSummary::version).orElse(null),
                    l.map(ModelSummary::validationNll).orElse(null), l.map(ModelSummary::createdAt).orElse(null),
                    catalog.pinnedVersion(n).orElse(null));
        }).toList();
    }

    @Get("/{name}")
    @Secured({Roles.READ, Roles.ADMIN})
    public HttpResponse<?> get(@PathVariable String name) {
        Optional<ModelDefinition> def = registry.find(name);
        List<ModelSummary> versions = catalog.versions(name);
        if (def.isEmpty() && versions.isEmpty()) {
            return HttpResponse.notFound(ApiError.of("unknown model '" + name + "'"));
        }
        return HttpResponse.ok(new ModelView(name, def.isPresent(), def.map(ModelDefinition::asMap).orElse(null),
                versions.isEmpty() ? null : versions.get(0).version(), versions, catalog.pinnedVersion(name).orElse(null)));
    }

    @Get(value = "/{name}/versions/{version}/report", produces = MediaType.TEXT_HTML)
    @Secured({Roles.READ, Roles.ADMIN})
    public HttpResponse<?> report(@PathVariable String name, @PathVariable long version) throws java.io.IOException {
        Optional<java.nio.file.Path> p = artifacts.report(name, version);
        if (p.isEmpty()) {
            return HttpResponse.notFound("no report for " + name + " v" + version + " in " + artifacts.root())
                    .contentType(MediaType.TEXT_PLAIN_TYPE);
        }
        return HttpResponse.ok(Files.readString(p.get(), StandardCharsets.UTF_8)).contentType(MediaType.TEXT_HTML_TYPE);
    }

    /**
     * Latest status of a retrain request (queued, running with epoch and losses, succeeded with the published
     * version, failed with the reason). Remembered in memory for the last 1,000 requests of this instance;
     * normalcy.training-status has the full history.
     */
    @Get("/{name}/requests/{requestId}")
    @Secured({Roles.READ, Roles.ADMIN})
    public HttpResponse<?> request(@PathVariable String name, @PathVariable String requestId) {
        return status.latest(requestId).filter(s -> s.getModel().equals(name))
                .<HttpResponse<?>>map(s -> HttpResponse.ok(RequestStatusView.of(s)))
                .orElseGet(() -> HttpResponse.notFound(ApiError.of("no request '" + requestId + "' for model '" + name
                        + "' on this trainer (see normalcy.training-status for older ones)")));
    }

    @Post("/{name}/retrain")
    @Secured(Roles.ADMIN)
    public HttpResponse<?> retrain(@PathVariable String name, @Nullable @Body RetrainBody body) {
        RetrainBody b = body == null ? new RetrainBody(null, null, null, null, null, null) : body;
        Optional<ModelDefinition> def = registry.find(name);
        if (def.isEmpty()) {
            return HttpResponse.notFound(ApiError.of("unknown model '" + name + "'; configured models: " + registry.names()));
        }
        Map<String, String> overrides = b.overrides() == null ? Map.of() : b.overrides();
        Long start;
        Long end;
        try {
            OverrideBounds.apply(def.get(), overrides, "overrides.");
            end = time("windowEnd", b.windowEnd());
            start = time("windowStart", b.windowStart());
            if (start == null && b.window() != null) {
                Duration d;
                try {
                    d = Duration.parse(b.window());
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("window: '" + b.window() + "' is not an ISO-8601 duration such as PT6H");
                }
                start = (end == null ? System.currentTimeMillis() : end) - d.toMillis();
            }
        } catch (IllegalArgumentException e) { // includes ConfigException
            return HttpResponse.badRequest(ApiError.of(e.getMessage()));
        }
        String id = b.requestId() == null || b.requestId().isBlank() ? UUID.randomUUID().toString() : b.requestId();
        var admission = intake.submit(new TrainingRequest(id, name, b.reason() == null ? "rest" : b.reason(), start, end,
                overrides, System.currentTimeMillis()));
        return HttpResponse.accepted().body(new RetrainAccepted(id, name, admission.name()));
    }

    private static Long time(String field, String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        return io.normalcy.schemas.TimeParser.UTC.toEpochMilli(s, field); // the product's one parser; local times UTC
    }
}
