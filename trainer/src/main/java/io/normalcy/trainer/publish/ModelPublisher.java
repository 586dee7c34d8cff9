package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.schemas.ModelControls;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

/**
 * Publishes model versions and control records (pin, unpin, retire) so that version numbers cannot collide, even
 * with several trainer instances: every publish of a model runs in a <i>fenced section</i> of that model's own
 * transactional producer ({@code transactional.id = }{@value #TRANSACTIONAL_ID_PREFIX}{@code <model>}):
 * <ol>
 *   <li>{@code initTransactions()} fences every other producer of the model and completes its open transaction;</li>
 *   <li>the catalog re-reads the topic, {@code read_committed}, up to the log end captured now, so it sees
 *       everything the others committed (a read to the last stable offset could stop short of it);</li>
 *   <li>the number (max + 1) is chosen, the record built and signed, and sent with the RETIRE records that keep
 *       the last {@code keep-versions} (never the pinned one), all in one transaction.</li>
 * </ol>
 * A publisher fenced between 1 and 3 (another instance started the same model's section) lost nothing: its
 * transaction is aborted and the section is run again, after a random pause, with a fresh producer, re-read and
 * renumbered (up to {@value #ATTEMPTS} times). The pause is randomised exponential back-off scaled by how long the
 * fenced attempt took: the other publisher's section takes about as long, so a loaded machine (slow sections) waits
 * longer instead of fencing the other publisher again mid-section, round after round. Detectors read {@code read_committed}: a record is visible whole or not at all.
 * Thread-safe (one section at a time).
 */
public final class ModelPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);
    /** Transactional ids are this prefix + the model name: one fencing domain per model. */
    public static final String TRANSACTIONAL_ID_PREFIX = "normalcy-trainer-model-";
    static final int ATTEMPTS = 10;
    /** The longest pause between two attempts. */
    private static final long MAX_BACK_OFF_MILLIS = 10_000;

    private final Function<String, Producer<String, byte[]>> producers;
    private final ModelCatalog catalog;
    private final String topic;
    private final RecordSigner signer;
    private final int keepVersions;
    private final Clock clock;
    private final ModelsTopicDecoder codec = new ModelsTopicDecoder();
    private final Pause pause;

    /** Waits between attempts (a test records the pauses instead). */
    @FunctionalInterface
    interface Pause {
        void millis(long millis) throws InterruptedException;
    }

    /** Builds the record of a version number inside the fenced section (possibly again, renumbered, on a retry). */
    @FunctionalInterface
    public interface Draft {
        /** @return the record of {@code version}, signed with the publisher's {@link #signer()} */
        ModelVersion build(long version) throws Exception;
    }

    /** A pin or unpin that names a version or a model that is not on the topic. */
    public static final class UnknownVersionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnknownVersionException(String message) {
            super(message);
        }
    }

    /**
     * @param producers    creates a transactional producer for a {@code transactional.id} (closed after each section)
     * @param keepVersions versions kept per model (≥ 1); older ones are retired after a publish
     */
    public ModelPublisher(Function<String, Producer<String, byte[]>> producers, ModelCatalog catalog, String topic,
                          RecordSigner signer, int keepVersions, Clock clock) {
        this(producers, catalog, topic, signer, keepVersions, clock, Thread::sleep);
    }

    ModelPublisher(Function<String, Producer<String, byte[]>> producers, ModelCatalog catalog, String topic,
                   RecordSigner signer, int keepVersions, Clock clock, Pause pause) {
        if (keepVersions < 1) {
            throw new IllegalArgumentException("keepVersions must be >= 1, got " + keepVersions);
        }
        this.producers = producers;
        this.catalog = catalog;
        this.topic = topic;
        this.signer = signer;
        this.keepVersions = keepVersions;
        this.clock = clock;
        this.pause = pause;
    }

    public RecordSigner signer() {
        return signer;
    }

    /** Numbers, builds and publishes the next version of {@code model}; returns the published record. */
    public synchronized ModelVersion publish(String model, Draft draft) {
        return fenced(model, producer -> {
            long version = catalog.nextVersionAsRead(model);
            ModelVersion mv = draft.build(version);
            if (!model.equals(mv.getModel()) || mv.getVersion() != version) {
                throw new IllegalStateException("draft built " + mv.getModel() + " v" + mv.getVersion() + ", not "
                        + model + " v" + version);
            }
            send(producer, new ProducerRecord<>(topic, null, ModelKeys.expectedKey(mv), codec.encode(topic, mv),
                    signer.headers()));
            List<ModelControl> retired = new ArrayList<>();
            for (long old : catalog.retirable(model, keepVersions, version)) {
                retired.add(sendControl(producer, ModelControls.retire(model, old, clock.instant(),
                        "keep-versions=" + keepVersions, null)));
            }
            return new Done<>(mv, () -> {
                catalog.add(ModelSummaries.of(mv));
                retired.forEach(catalog::applyControl);
                if (!retired.isEmpty()) {
                    LOG.info("model {}: retired {} (keep-versions={})", model, retired.stream()
                            .map(c -> "v" + c.getVersion()).toList(), keepVersions);
                }
            });
        });
    }

    /**
     * Publishes a signed PIN: detectors serve {@code version} instead of the newest until an unpin.
     *
     * @throws UnknownVersionException when {@code version} of {@code model} is not on the topic (or retired)
     */
    public synchronized ModelControl pin(String model, long version, String reason) {
        return fenced(model, producer -> {
            boolean known = catalog.versions(model).stream().anyMatch(s -> s.version() == version);
            if (!known) {
                throw new UnknownVersionException("model '" + model + "' has no version " + version
                        + " on the models topic (published, not retired): " + catalog.versions(model).stream()
                        .map(s -> "v" + s.version()).toList());
            }
            ModelControl c = sendControl(producer, ModelControls.pin(model, version, catalog.nextPinSequence(model),
                    clock.instant(), reason, null));
            return new Done<>(c, () -> catalog.applyControl(c));
        });
    }

    /**
     * Publishes a signed UNPIN: detectors serve the newest version again.
     *
     * @throws UnknownVersionException when {@code model} has no version on the topic
     */
    public synchronized ModelControl unpin(String model, String reason) {
        return fenced(model, producer -> {
            if (catalog.versions(model).isEmpty()) {
                throw new UnknownVersionException("model '" + model + "' has no version on the models topic");
            }
            ModelControl c = sendControl(producer, ModelControls.unpin(model, catalog.nextPinSequence(model),
                    clock.instant(), reason, null));
            return new Done<>(c, () -> catalog.applyControl(c));
        });
    }

    private ModelControl sendControl(Producer<String, byte[]> producer, ModelControl unsigned) throws Exception {
        ModelControl c = signer.sign(unsigned);
        send(producer, new ProducerRecord<>(topic, ModelKeys.expectedKey(c), codec.encode(topic, c)));
        return c;
    }

    private static void send(Producer<String, byte[]> producer, ProducerRecord<String, byte[]> record)
            throws Exception {
        producer.send(record).get();
    }

    /** What a section produced, and what to record once its transaction is committed. */
    private record Done<T>(T value, Runnable afterCommit) {
    }

    @FunctionalInterface
    private interface Section<T> {
        Done<T> run(Producer<String, byte[]> producer) throws Exception;
    }

    private <T> T fenced(String model, Section<T> section) {
        Exception fencedBy = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long started = System.nanoTime();
            Producer<String, byte[]> producer = producers.apply(TRANSACTIONAL_ID_PREFIX + model);
            boolean open = false;
            try {
                producer.initTransactions();
                catalog.refresh();
                producer.beginTransaction();
                open = true;
                Done<T> done = section.run(producer);
                producer.commitTransaction();
                open = false;
                done.afterCommit().run();
                return done.value();
            } catch (Exception e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                if (open && !fenced(cause)) {
                    abortQuietly(producer);
                }
                if (fenced(cause)) {
                    fencedBy = e;
                    LOG.info("publishing model {}: another publisher of it took over (attempt {}/{}); re-reading the "
                            + "topic and trying again", model, attempt, ATTEMPTS);
                    if (attempt < ATTEMPTS) {
                        backOff(attempt, Duration.ofNanos(System.nanoTime() - started));
                    }
                    continue;
                }
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (cause instanceof RuntimeException re && !(cause instanceof org.apache.kafka.common.KafkaException)) {
                    throw re; // the section's own verdict, e.g. an unknown version
                }
                throw new IllegalStateException("publishing to " + topic + " for model " + model + " failed: "
                        + cause.getMessage(), cause);
            } finally {
                closeQuietly(producer);
            }
        }
        throw new IllegalStateException("publishing model " + model + " was fenced " + ATTEMPTS + " times by other "
                + "publishers of it (trainer instances or the CLI); nothing was published", fencedBy);
    }

    /**
     * A random pause before the next attempt, so that two publishers do not keep fencing each other in step: between
     * one and 2<sup>attempt</sup> times the fenced attempt's duration (at least 50 ms), at most
     * {@value #MAX_BACK_OFF_MILLIS} ms.
     */
    static long backOffMillis(int attempt, Duration fencedAttempt, long random) {
        long unit = Math.max(50, fencedAttempt.toMillis());
        long upper = Math.min(MAX_BACK_OFF_MILLIS, unit << Math.min(attempt, 16));
        long lower = Math.min(unit, upper);
        return lower + Math.floorMod(random, upper - lower + 1);
    }

    private void backOff(int attempt, Duration fencedAttempt) {
        try {
            pause.millis(backOffMillis(attempt, fencedAttempt, ThreadLocalRandom.current().nextLong()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        }
    }

    /** Whether {@code t} (or a cause) says another producer with the same transactional.id took over. */
    private static boolean fenced(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    private static void abortQuietly(Producer<String, byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException ignored) {
            // the original error is the one to report; closing the producer aborts on the broker's side anyway
        }
    }

    private static void closeQuietly(Producer<String, byte[]> producer) {
        try {
            producer.close(Duration.ofSeconds(10));
        } catch (RuntimeException ignored) {
            // a fenced producer may throw on close; it is gone either way
        }
    }

    @Override
    public void close() {
        // producers live for one section each
    }
}
