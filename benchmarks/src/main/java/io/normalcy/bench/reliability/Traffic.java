package io.normalcy.bench.reliability;

import io.normalcy.avro.FeatureVector;
import io.normalcy.bench.reliability.Ledger.Expectation;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.FeatureVectorJsonSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Good traffic for the suite's model: features a, b, c ~ N(0, 1) (the model's own density, so ~1 % of events are
 * WARNING by chance), with a share of injected anomalies (|a| in [7, 9]: CRITICAL). Key = entity, so an entity's
 * events share a partition and its cool-down sees them in order; event time advances {@code stepMs} per event. One
 * event in ten is JSON, the rest Avro single-object encoding: the detector reads both on one topic.
 *
 * @param label       prefix of entities and event ids (the case's name)
 * @param model       model name
 * @param entities    distinct entities
 * @param anomalyRate share of injected anomalies
 * @param stepMs      event-time step between consecutive events
 * @param lateMs      0, or how far behind its place in the sequence every 9th event's time is (out-of-order events
 *                    per entity, for the derived-feature case's late-event rule)
 */
record Traffic(String label, String model, int entities, double anomalyRate, long stepMs, long lateMs) {
    static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
    private static final AvroSerde<FeatureVector> AVRO = AvroSerde.of(FeatureVector.class);
    private static final FeatureVectorJsonSerde JSON = new FeatureVectorJsonSerde();

    static Traffic of(String label, String model) {
        return new Traffic(label, model, 400, 0.02, 10, 0);
    }

    Traffic withEntities(int n) {
        return new Traffic(label, model, n, anomalyRate, stepMs, lateMs);
    }

    Traffic withAnomalyRate(double r) {
        return new Traffic(label, model, entities, r, stepMs, lateMs);
    }

    Traffic withLateEvents(long ms) {
        return new Traffic(label, model, entities, anomalyRate, stepMs, ms);
    }

    String entity(long i) {
        return label + "-e" + (i % entities);
    }

    FeatureVector event(long i, Random rng) {
        return event(i, entity(i), rng.nextDouble() < anomalyRate, rng);
    }

    FeatureVector event(long i, String entity, boolean anomaly, Random rng) {
        double a = anomaly ? (rng.nextBoolean() ? 1 : -1) * (7 + 2 * rng.nextDouble()) : rng.nextGaussian();
        return FeatureVector.newBuilder().setModel(model).setEntity(entity)
                .setEventTime(T0.plusMillis(i * stepMs - (i % 9 == 4 ? lateMs : 0)))
                .setFeatures(Map.of("a", a, "b", rng.nextGaussian(), "c", rng.nextGaussian()))
                .setContext(Map.of()).setContextNumeric(Map.of()).setAttributes(Map.of())
                .setEventId(label + "-" + i).build();
    }

    static byte[] avro(FeatureVector fv) {
        return AVRO.serialize("features", fv);
    }

    static byte[] json(FeatureVector fv) {
        return JSON.serialize("features", fv);
    }

    /** Sends good event {@code i} (key = entity) and books it as "must be scored". */
    void send(Sender sender, long i, Random rng) {
        FeatureVector fv = event(i, rng);
        byte[] value = i % 10 == 7 ? json(fv) : avro(fv);
        sender.send("good", fv.getEventId(), fv.getEntity().getBytes(StandardCharsets.UTF_8), value,
                Expectation.SCORE);
    }

    /**
     * A paced run of good events on its own thread: event {@code first + k} is sent at {@code start + k / rate}
     * (a producer blocked by a broker restart catches up rather than losing the schedule), until {@code duration}
     * has passed or {@link #stop} is called. The crash cases keep it running until the recovery they measure has
     * happened, so a kill always lands in, and a resume is always measured under, steady traffic.
     */
    final class Run implements AutoCloseable {
        private final Sender sender;
        private final int rate;
        private final Duration duration;
        private final long first;
        private final Random rng;
        private final AtomicLong next = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;
        private volatile long startNanos;
        private volatile Throwable failure;

        Run(Sender sender, int rate, Duration duration, long first, long seed) {
            this.sender = sender;
            this.rate = rate;
            this.duration = duration;
            this.first = first;
            this.rng = new Random(seed);
            this.thread = new Thread(this::loop, "chaos-traffic-" + label);
            this.thread.setDaemon(true);
        }

        Run start() {
            startNanos = System.nanoTime();
            thread.start();
            return this;
        }

        private void loop() {
            try {
                long periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
                long end = startNanos + duration.toNanos();
                for (long k = 0; !stop.get(); k++) {
                    long due = startNanos + k * periodNanos;
                    if (due >= end) {
                        break;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    send(sender, first + k, rng);
                    next.set(first + k + 1);
                }
            } catch (Throwable t) {
                failure = t;
            }
        }

        /** Index of the next event this run would send (= first index of a following run). */
        long nextIndex() {
            return Math.max(first, next.get());
        }

        void stop() {
            stop.set(true);
        }

        /** Waits for the run to end (its duration plus slack), then flushes the producer. */
        void await() throws InterruptedException {
            thread.join(duration.toMillis() + 600_000);
            if (thread.isAlive()) {
                stop();
                thread.join(30_000);
            }
            if (failure != null) {
                throw new IllegalStateException("traffic " + label + " failed", failure);
            }
            sender.flush(330_000);
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            thread.join(30_000);
        }
    }
}
