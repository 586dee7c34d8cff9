package io.normalcy.detector.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.sse.Event;
import io.micronaut.security.annotation.Secured;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.detector.delivery.AlertBroadcaster;
import io.normalcy.detector.delivery.AlertJson;
import io.normalcy.detector.delivery.AlertStreams;
import io.normalcy.detector.delivery.DeliveryConfiguration;
import io.normalcy.detector.delivery.DeliveryMetrics;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.detector.subscription.InvalidSubscriptionException;
import io.normalcy.detector.subscription.SubscriptionBody;
import io.normalcy.detector.subscription.SubscriptionValidator;
import io.normalcy.security.ApiError;
import io.normalcy.security.Roles;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Flux;

/**
 * {@code GET /alerts/stream?model=…&minSeverity=…&entity=…} — Server-Sent Events of live alerts matching the
 * filter (same semantics as a subscription filter: {@code model} may repeat, {@code minSeverity} defaults to
 * WARNING, {@code entity} is a regex over the whole entity). Each event's {@code data} is an {@link AlertJson}
 * with {@code id} = alertId and {@code event: alert}; a {@code : connected} comment opens the stream and
 * {@code : keep-alive} comments follow every {@code stream-keep-alive}. Each client has a bounded buffer
 * ({@code stream-buffer-size}); a client that falls further behind is disconnected (and may reconnect), so a slow
 * client never slows the feed or other clients. 400 on an invalid filter, 503 when streaming is disabled.
 */
@Controller("/alerts/stream")
public class AlertStreamController {
    private final AlertBroadcaster broadcaster;
    private final DeliveryMetrics metrics;
    private final int bufferSize;
    private final Duration keepAlive;

    AlertStreamController(AlertBroadcaster broadcaster, DeliveryConfiguration config, DeliveryMetrics metrics) {
        this.broadcaster = broadcaster;
        this.metrics = metrics;
        this.bufferSize = config.streamBufferSize();
        this.keepAlive = config.streamKeepAlive();
    }

    @Get(produces = {MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON})
    @Secured({Roles.READ, Roles.ADMIN})
    public HttpResponse<?> stream(@Nullable @QueryValue("model") List<String> model,
                                 @Nullable @QueryValue("minSeverity") String minSeverity,
                                 @Nullable @QueryValue("entity") String entity) {
        if (!broadcaster.enabled()) {
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .body(ApiError.of("alert streaming is disabled (normalcy.detector.delivery.stream-enabled)"))
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        SubscriptionMatcher matcher;
        try {
            matcher = matcher(model, minSeverity, entity);
        } catch (InvalidSubscriptionException e) {
            List<ApiError.FieldError> errors = e.errors().stream().map(AlertStreamController::queryField).toList();
            return HttpResponse.badRequest(ApiError.invalid("invalid query", errors)).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        Flux<Event<?>> events = AlertStreams.forClient(broadcaster.alerts(), matcher, bufferSize, keepAlive,
                metrics::streamClientDropped);
        return HttpResponse.ok(events).contentType(MediaType.TEXT_EVENT_STREAM_TYPE);
    }

    /**
     * The stream filter, validated exactly like a subscription's (a placeholder webhook satisfies the
     * delivery-target rule, then is dropped: a stream has no delivery target).
     */
    static SubscriptionMatcher matcher(List<String> models, String minSeverity, String entity) {
        SubscriptionBody body = new SubscriptionBody("sse", new SubscriptionBody.Filter(models, minSeverity, entity,
                null), new SubscriptionBody.Delivery(null, "http://sse.invalid/", null), true);
        Instant now = Instant.now();
        AlertSubscription s = new SubscriptionValidator(Set.of()).toSubscription(body, now, now);
        s.setDelivery(SubscriptionDelivery.newBuilder().build());
        return new SubscriptionMatcher(s);
    }

    private static ApiError.FieldError queryField(ApiError.FieldError e) {
        String field = switch (e.field()) {
            case "filter.entityPattern" -> "entity";
            case "filter.minSeverity" -> "minSeverity";
            default -> e.field().startsWith("filter.models") ? "model" : e.field();
        };
        return new ApiError.FieldError(field, e.message().replace(e.field(), field));
    }
}
