package io.normalcy.detector.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.normalcy.detector.subscription.InvalidSubscriptionException;
import io.normalcy.detector.subscription.SubscriptionBody;
import io.normalcy.detector.subscription.SubscriptionResource;
import io.normalcy.detector.subscription.SubscriptionService;
import io.normalcy.security.ApiError;
import io.normalcy.security.Roles;

import java.net.URI;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert subscriptions, stored in the compacted subscriptions topic (key = subscriberId):
 * <ul>
 *   <li>{@code POST /subscriptions} — create or replace ({@link SubscriptionBody}); 201 + Location when new,
 *   200 when replaced, 400 naming each invalid field ({@link ApiError}), 503 when Kafka is unavailable;</li>
 *   <li>{@code GET /subscriptions} — all, sorted by id; {@code GET /subscriptions/{id}} — one or 404;</li>
 *   <li>{@code DELETE /subscriptions/{id}} — writes a tombstone; 204, or 404 when unknown.</li>
 * </ul>
 * Every route needs the admin role: subscriptions name delivery targets and carry webhook credentials (which
 * responses mask). Reads come from this instance's view of the topic, which a write waits for (read-your-writes on
 * one instance).
 * Blocking Kafka calls run on the blocking executor, never on the event loop.
 */
@Controller("/subscriptions")
@ExecuteOn(TaskExecutors.BLOCKING)
public class SubscriptionsController {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionsController.class);

    private final SubscriptionService service;

    SubscriptionsController(SubscriptionService service) {
        this.service = service;
    }

    @Post(consumes = MediaType.APPLICATION_JSON, produces = MediaType.APPLICATION_JSON)
    @Secured(Roles.ADMIN)
    public HttpResponse<?> upsert(@Nullable @Body SubscriptionBody body) {
        return guarded(() -> {
            SubscriptionService.Upsert u = service.upsert(body);
            SubscriptionResource r = SubscriptionResource.of(u.subscription()).withIssuedSecret(u.issuedSecret());
            return u.created() ? HttpResponse.created(r, URI.create("/subscriptions/" + r.subscriberId()))
                    : HttpResponse.ok(r);
        });
    }

    @Get(produces = MediaType.APPLICATION_JSON)
    @Secured(Roles.ADMIN)
    public HttpResponse<?> list() {
        return guarded(() -> {
            List<SubscriptionResource> all = service.list().stream().map(SubscriptionResource::of).toList();
            return HttpResponse.ok(all);
        });
    }

    @Get(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    @Secured(Roles.ADMIN)
    public HttpResponse<?> get(@PathVariable String id) {
        return guarded(() -> service.get(id).<HttpResponse<?>>map(s -> HttpResponse.ok(SubscriptionResource.of(s)))
                .orElseGet(() -> notFound(id)));
    }

    @Delete(value = "/{id}", produces = MediaType.APPLICATION_JSON)
    @Secured(Roles.ADMIN)
    public HttpResponse<?> delete(@PathVariable String id) {
        return guarded(() -> service.delete(id) ? HttpResponse.noContent() : notFound(id));
    }

    private static HttpResponse<?> notFound(String id) {
        return HttpResponse.notFound(ApiError.of("no subscription with subscriberId '" + id + "'"));
    }

    private interface Action {
        HttpResponse<?> run() throws InterruptedException;
    }

    private static HttpResponse<?> guarded(Action a) {
        try {
            return a.run();
        } catch (InvalidSubscriptionException e) {
            return HttpResponse.badRequest(ApiError.invalid("invalid subscription", e.errors()));
        } catch (SubscriptionService.ViewUnavailableException | KafkaException e) {
            LOG.warn("Subscriptions API unavailable: {}", e.toString());
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(ApiError.of(e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(ApiError.of("interrupted"));
        }
    }
}
