package io.normalcy.detector.delivery;

import io.micronaut.http.sse.Event;
import io.normalcy.avro.Alert;
import io.normalcy.detector.routing.SubscriptionMatcher;

import java.time.Duration;
import reactor.core.publisher.BufferOverflowStrategy;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Assembles one SSE client's event stream from the shared alert feed: filter, render as {@link AlertJson},
 * interleave keep-alive comments, and bound the client's backlog. The bounded buffer requests everything from the
 * feed, so the feed (and the Kafka consumer behind it) never waits for a client; when the buffer overflows the
 * client's stream completes (the connection closes; SSE clients reconnect by design) instead of silently skipping
 * alerts or growing without limit.
 */
public final class AlertStreams {
    private AlertStreams() {
    }

    public static Flux<Event<?>> forClient(Flux<Alert> feed, SubscriptionMatcher filter, int bufferSize,
                                           Duration keepAlive, Runnable onDropped) {
        Flux<Event<?>> alerts = feed.filter(filter::matches)
                .map(a -> Event.of(AlertJson.of(a)).id(a.getAlertId()).name("alert"));
        Flux<Event<?>> keepAlives = Flux.interval(keepAlive).map(i -> Event.of("").comment("keep-alive"));
        // the buffer subscribes to the feed at once and always has demand; on overflow the stream completes
        // immediately (takeUntilOther needs no demand to complete, unlike an error queued behind the buffer)
        return Flux.defer(() -> {
            Sinks.One<Boolean> overflow = Sinks.one(); // per subscription
            return Flux.merge(alerts, keepAlives)
                    .startWith(Event.of("").comment("connected"))
                    .onBackpressureBuffer(bufferSize, dropped -> {
                        if (overflow.tryEmitValue(true).isSuccess()) {
                            onDropped.run();
                        }
                    }, BufferOverflowStrategy.DROP_LATEST)
                    .takeUntilOther(overflow.asMono());
        });
    }
}
