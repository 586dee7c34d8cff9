package io.normalcy.detector.topology;

import java.util.Set;

/**
 * Which Kafka topics exist, answered from memory. The scoring processor asks before it copies an alert to a
 * subscription's topic: producing to a topic that does not exist blocks the producer on metadata and then fails
 * the exactly-once transaction, so one deleted (or never created) subscription topic would stop all scoring.
 * Implementations must answer without a broker round-trip per record (the production one,
 * {@code io.normalcy.detector.runtime.AdminKnownTopics}, refreshes a cached topic list in the background) and be
 * thread-safe (every stream thread calls it).
 */
@FunctionalInterface
public interface KnownTopics {

    /** True when {@code topic} is known to exist. */
    boolean exists(String topic);

    /** Every topic is assumed to exist (the behaviour before topics were checked). */
    static KnownTopics all() {
        return topic -> true;
    }

    /** A fixed set (TopologyTestDriver tests). */
    static KnownTopics of(Set<String> topics) {
        Set<String> copy = Set.copyOf(topics);
        return copy::contains;
    }
}
