package io.normalcy.trainer.web;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.serde.annotation.Serdeable;
import io.normalcy.avro.ModelControl;
import io.normalcy.security.ApiError;
import io.normalcy.security.Roles;
import io.normalcy.trainer.config.ModelRegistry;
import io.normalcy.trainer.publish.ModelCatalog;
import io.normalcy.trainer.publish.ModelPublisher;

/**
 * Explicit rollback: {@code POST /models/{name}/pin} {@code {"version": N, "reason": "..."}} publishes a signed PIN
 * record, after which detectors serve version N instead of the newest until {@code DELETE /models/{name}/pin}
 * publishes a signed UNPIN. Pins are the only way served versions move backwards; a replayed older pin never
 * overrides a newer one (sequence numbers). {@code 404} for an unknown model or a version that is not on the models
 * topic (or retired), {@code 400} for a bad body, {@code 503} when the models topic cannot be written. Publishing
 * talks to Kafka, so requests run on the blocking executor. Role {@code admin}: moving what every detector serves is
 * an administrative act.
 */
@Controller("/models/{name}/pin")
@ExecuteOn(TaskExecutors.BLOCKING)
@Secured(Roles.ADMIN)
public class PinController {
    private final ModelRegistry registry;
    private final ModelCatalog catalog;
    private final ModelPublisher publisher;

    public PinController(ModelRegistry registry, ModelCatalog catalog, ModelPublisher publisher) {
        this.registry = registry;
        this.catalog = catalog;
        this.publisher = publisher;
    }

    /** Body of {@code POST /models/{name}/pin}: the version to serve, and why (audit trail). */
    @Serdeable
    public record PinBody(@Nullable Long version, @Nullable String reason) {
    }

    /**
     * The published control: {@code pinnedVersion} null after an unpin; {@code sequence} orders pins;
     * {@code keyId} is the signing key (null when unsigned).
     */
    @Serdeable
    public record PinView(String model, @Nullable Long pinnedVersion, long sequence, @Nullable String keyId,
                          @Nullable String reason) {
        static PinView of(ModelControl c) {
            return new PinView(c.getModel(), c.getVersion(), c.getSequence(), c.getKeyId(), c.getReason());
        }
    }

    @Post
    public HttpResponse<?> pin(@PathVariable String name, @Nullable @Body PinBody body) {
        if (body == null || body.version() == null || body.version() < 1) {
            return HttpResponse.badRequest(ApiError.of("body must be {\"version\": N} with N >= 1 (optional "
                    + "\"reason\"), got " + (body == null ? "no body" : "version " + body.version())));
        }
        return publish(name, () -> publisher.pin(name, body.version(), reason(body.reason(), "pinned over REST")));
    }

    @Delete
    public HttpResponse<?> unpin(@PathVariable String name) {
        return publish(name, () -> publisher.unpin(name, "unpinned over REST"));
    }

    /** Neither configured here nor on the topic (re-read: another instance may have published it). */
    private boolean unknown(String name) {
        if (registry.find(name).isPresent() || !catalog.versions(name).isEmpty()) {
            return false;
        }
        catalog.refresh();
        return catalog.versions(name).isEmpty();
    }

    private HttpResponse<?> notFound(String name) {
        return HttpResponse.notFound(ApiError.of("unknown model '" + name + "'; configured models: "
                + registry.names() + ", published: " + catalog.names()));
    }

    private static String reason(String given, String fallback) {
        return given == null || given.isBlank() ? fallback : given;
    }

    private HttpResponse<?> publish(String name, java.util.function.Supplier<ModelControl> action) {
        try {
            if (unknown(name)) {
                return notFound(name);
            }
            return HttpResponse.ok(PinView.of(action.get()));
        } catch (ModelPublisher.UnknownVersionException e) {
            return HttpResponse.notFound(ApiError.of(e.getMessage()));
        } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(ApiError.of(e.getMessage()));
        }
    }
}
