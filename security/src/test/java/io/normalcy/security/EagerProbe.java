package io.normalcy.security;

import io.micronaut.context.annotation.Context;

import java.util.concurrent.atomic.AtomicInteger;

/** An eager bean like the services' Kafka consumers: counts how often a context created it. */
@Context
class EagerProbe {
    static final AtomicInteger CREATED = new AtomicInteger();

    EagerProbe() {
        CREATED.incrementAndGet();
    }
}
