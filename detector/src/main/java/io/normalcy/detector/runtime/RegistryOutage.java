package io.normalcy.detector.runtime;

import io.normalcy.detector.metrics.DetectorMetrics;
import io.normalcy.schemas.registry.RegistryUnavailableException;
import io.normalcy.schemas.registry.SchemaRegistryClient;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the detector does when the schema registry cannot answer: pause, probe, resume — nothing dead-lettered,
 * nothing lost, nothing scored twice.
 *
 * <p>Why this shape: a stream thread cannot skip a record and come back to it, and under exactly-once it cannot wait
 * for long inside {@code process()} either (the open transaction would hit {@code transaction.timeout.ms} and the
 * producer would be fenced). So the scoring processor lets the {@link RegistryUnavailableException} fail the thread
 * (its transaction is aborted: no output and no offset of the batch is committed), the uncaught-exception handler
 * calls {@link #onFailure}, which {@linkplain KafkaStreams#pause() pauses} the client and starts probing the
 * registry, and the thread is replaced; the new thread holds still while paused (it keeps polling, so it stays in
 * the group) and, after {@link KafkaStreams#resume()}, re-reads from the last committed offset. These failures do not
 * count towards the handler's failure budget: an outage of any length must not shut the detector down. While paused,
 * {@link RegistryHealthIndicator} reports DOWN with the reason (a paused client is still RUNNING to Kafka Streams).
 */
final class RegistryOutage {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutage.class);

    private final KafkaStreams streams;
    private final SchemaRegistryClient client;
    private final Duration probeInterval;
    private final DetectorMetrics metrics;
    private final RegistryHealthIndicator health;
    private final ScheduledExecutorService prober;
    private ScheduledFuture<?> probing;

    RegistryOutage(KafkaStreams streams, SchemaRegistryClient client, Duration probeInterval, DetectorMetrics metrics,
                   RegistryHealthIndicator health) {
        this.streams = streams;
        this.health = health;
        this.client = client;
        this.probeInterval = probeInterval;
        this.metrics = metrics;
        this.prober = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "normalcy-registry-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** True when {@code e} is a registry outage (now handled: paused until the registry answers), false otherwise. */
    synchronized boolean onFailure(Throwable e) {
        RegistryUnavailableException outage = RegistryUnavailableException.find(e);
        if (outage == null) {
            return false;
        }
        metrics.productionError(outage.getClass().getSimpleName(), "registry-unavailable");
        health.paused(outage.getMessage());
        if (probing == null) {
            LOG.warn("Schema registry unavailable ({}): pausing processing until it answers again; nothing is "
                    + "dead-lettered and the records are re-read from the last commit", outage.getMessage());
            streams.pause();
            probing = prober.scheduleWithFixedDelay(this::probe, probeInterval.toMillis(), probeInterval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return true;
    }

    /** Whether processing is paused for a registry outage. */
    synchronized boolean paused() {
        return probing != null;
    }

    private synchronized void probe() {
        if (probing != null && client.reachable()) {
            LOG.info("Schema registry {} answers again: resuming processing", client.settings().url());
            probing.cancel(false);
            probing = null;
            health.resumed();
            streams.resume();
        }
    }

    void close() {
        prober.shutdownNow();
    }
}
