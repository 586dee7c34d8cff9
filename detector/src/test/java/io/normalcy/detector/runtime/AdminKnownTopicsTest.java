package io.normalcy.detector.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The cached topic list with a fake lister and a hand-driven clock (the real Admin client is covered by
 * MissingSubscriptionTopicIT).
 */
class AdminKnownTopicsTest {
    private final AtomicReference<Set<String>> onBroker = new AtomicReference<>(Set.of("a", "b"));
    private final AtomicInteger listings = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private volatile boolean brokerDown;

    private AdminKnownTopics known() {
        return new AdminKnownTopics(() -> {
            listings.incrementAndGet();
            if (brokerDown) {
                throw new org.apache.kafka.common.errors.TimeoutException("broker down");
            }
            return onBroker.get();
        }, Duration.ofSeconds(30), Duration.ofSeconds(5), clock::get);
    }

    @Test
    void knownTopicsCostNoListingAndMissesAreRateLimited() {
        try (AdminKnownTopics known = known()) {
            assertEquals(0, listings.get(), "nothing is listed before the first question");
            assertTrue(known.exists("a"));
            assertEquals(1, listings.get(), "the first question lists the topics");
            for (int i = 0; i < 1000; i++) {
                assertTrue(known.exists("b"));
            }
            assertEquals(1, listings.get(), "known topics are answered from memory");
            assertFalse(known.exists("c"));
            assertFalse(known.exists("c"));
            assertEquals(1, listings.get(), "a miss within the miss interval does not list again");
            onBroker.set(Set.of("a", "b", "c"));
            clock.addAndGet(Duration.ofSeconds(5).toNanos());
            assertTrue(known.exists("c"), "a miss after the interval lists again and finds the new topic");
            assertEquals(2, listings.get());
        }
    }

    @Test
    void aFailedListingKeepsThePreviousList() {
        try (AdminKnownTopics known = known()) {
            assertTrue(known.exists("a"));
            brokerDown = true;
            known.refresh();
            assertTrue(known.exists("a"), "still known");
            assertEquals(2, listings.get());
        }
    }

    @Test
    void beforeAnyListingSucceededEveryTopicIsMissing() {
        brokerDown = true;
        try (AdminKnownTopics known = known()) {
            assertFalse(known.exists("a"));
            brokerDown = false;
            assertFalse(known.exists("a"), "rate-limited");
            clock.addAndGet(Duration.ofSeconds(6).toNanos());
            assertTrue(known.exists("a"));
        }
    }

    @Test
    void aDeletedTopicIsMissingAfterTheNextRefresh() {
        try (AdminKnownTopics known = known()) {
            assertTrue(known.exists("b"));
            onBroker.set(Set.of("a"));
            known.refresh();
            assertFalse(known.exists("b"));
        }
    }
}
