package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micronaut.http.sse.Event;
import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;
import io.normalcy.detector.routing.SubscriptionMatcher;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Sinks;

class AlertStreamsTest {
    private static final Duration NO_KEEP_ALIVE = Duration.ofHours(1);

    private static SubscriptionMatcher filter(String model, Severity min) {
        return new SubscriptionMatcher(AlertSubscription.newBuilder().setSubscriberId("sse")
                .setFilter(SubscriptionFilter.newBuilder().setModels(List.of(model)).setMinSeverity(min).build())
                .setDelivery(SubscriptionDelivery.newBuilder().build())
                .setCreatedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build());
    }

    /** Records events; requests {@code initial} up front and nothing more unless told. */
    private static final class Client extends BaseSubscriber<Event<?>> {
        final List<Event<?>> events = new CopyOnWriteArrayList<>();
        final AtomicBoolean completed = new AtomicBoolean();
        final long initial;

        Client(long initial) {
            this.initial = initial;
        }

        @Override
        protected void hookOnSubscribe(Subscription s) {
            s.request(initial);
        }

        @Override
        protected void hookOnNext(Event<?> e) {
            events.add(e);
        }

        @Override
        protected void hookOnComplete() {
            completed.set(true);
        }

        List<String> alertIds() {
            return events.stream().filter(e -> e.getData() instanceof AlertJson)
                    .map(e -> ((AlertJson) e.getData()).alertId()).toList();
        }
    }

    @Test
    void aClientGetsOnlyMatchingAlertsAfterTheOpeningComment() {
        Sinks.Many<Alert> feed = Sinks.many().multicast().directBestEffort();
        Client c = new Client(Long.MAX_VALUE);
        AlertStreams.forClient(feed.asFlux(), filter("A", Severity.CRITICAL), 16, NO_KEEP_ALIVE, () -> { })
                .subscribe(c);
        feed.tryEmitNext(TestAlerts.alert("1", "A", "e", Severity.CRITICAL));
        feed.tryEmitNext(TestAlerts.alert("2", "A", "e", Severity.WARNING));
        feed.tryEmitNext(TestAlerts.alert("3", "B", "e", Severity.CRITICAL));
        feed.tryEmitNext(TestAlerts.alert("4", "A", "e", Severity.CRITICAL));
        assertEquals("connected", c.events.get(0).getComment());
        assertEquals(List.of("1", "4"), c.alertIds());
        Event<?> e = c.events.get(1);
        assertEquals("1", e.getId());
        assertEquals("alert", e.getName());
        c.dispose();
    }

    @Test
    void aSlowClientIsDroppedWithoutHoldingUpTheFeedOrOthers() {
        Sinks.Many<Alert> feed = Sinks.many().multicast().directBestEffort();
        AtomicInteger dropped = new AtomicInteger();
        Client slow = new Client(1); // takes the opening comment, then never asks again
        Client fast = new Client(Long.MAX_VALUE);
        SubscriptionMatcher all = filter("A", Severity.WARNING);
        AlertStreams.forClient(feed.asFlux(), all, 4, NO_KEEP_ALIVE, dropped::incrementAndGet).subscribe(slow);
        assertEquals(1, feed.currentSubscriberCount(), "subscribed to the feed before asking for alerts");
        AlertStreams.forClient(feed.asFlux(), all, 4, NO_KEEP_ALIVE, dropped::incrementAndGet).subscribe(fast);
        for (int i = 0; i < 20; i++) {
            assertEquals(Sinks.EmitResult.OK, feed.tryEmitNext(TestAlerts.alert("a" + i, "A", "e", Severity.CRITICAL)),
                    "the feed never waits for a client");
        }
        assertEquals(1, dropped.get(), "only the slow client overflowed");
        assertTrue(slow.completed.get(), "the slow client's stream was closed");
        assertEquals(List.of(), slow.alertIds());
        assertEquals(20, fast.alertIds().size(), "the fast client got everything");
        assertEquals(1, feed.currentSubscriberCount(), "the dropped client left the feed");
        fast.dispose();
    }

    @Test
    void keepAliveCommentsFlowWhileIdle() throws InterruptedException {
        Sinks.Many<Alert> feed = Sinks.many().multicast().directBestEffort();
        Client c = new Client(Long.MAX_VALUE);
        AlertStreams.forClient(feed.asFlux(), filter("A", Severity.WARNING), 4, Duration.ofMillis(20), () -> { })
                .subscribe(c);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (c.events.stream().filter(e -> "keep-alive".equals(e.getComment())).count() < 2
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(c.events.stream().filter(e -> "keep-alive".equals(e.getComment())).count() >= 2);
        c.dispose();
    }
}
