package io.normalcy.detector.topology;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.RetrainRequest;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.detector.metrics.DetectorMetrics;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every output of the scoring processor goes through here, so that nothing reaches the producer that it would
 * refuse: each record is size-checked against {@link OutputGuard}; an oversized score or alert is shortened
 * ({@link Slimming}), an oversized dead letter carries a truncated payload ({@link DeadLetters#shortened}), an
 * oversized parked record becomes a dead letter, and an alert copy to a topic that does not exist
 * ({@link KnownTopics}) becomes a dead letter. Whatever still does not fit is dead-lettered or, for a dead letter
 * itself, skipped; all of it is counted. One per stream task (not thread-safe).
 */
final class Emitter {
    private static final Logger LOG = LoggerFactory.getLogger(Emitter.class);
    private static final String TOO_LARGE = RecordTooLargeException.class.getName();

    private final ProcessorContext<byte[], Output> context;
    private final TopologyContext deps;
    private final OutputGuard guard;
    private final Codecs codecs = new Codecs();
    /** Missing topics already logged at WARN (once per task until the topic is seen again). */
    private final Set<String> missingTopics = new HashSet<>();

    /**
     * A serialized output: key, value and headers, ready to forward (again, for subscription copies). The headers
     * are an array, not a {@code Headers}: the common output carries none, and each forwarded {@code Record} holds
     * a {@code RecordHeaders} of its own (the producer marks the headers it sends read-only).
     */
    record Encoded(byte[] key, byte[] value, Header[] headers) {
    }

    Emitter(ProcessorContext<byte[], Output> context, TopologyContext deps) {
        this.context = context;
        this.deps = deps;
        this.guard = new OutputGuard(deps.outputs().maxRecordSize());
    }

    /** Writes the score, shortened if needed; false when even that does not fit (the caller dead-letters). */
    boolean score(ScoredEvent e, long timestamp) {
        return score(e, timestamp, CarriedHeaders.NONE);
    }

    /** As {@link #score(ScoredEvent, long)}, with the input headers carried to it ({@link CarriedHeaders}). */
    boolean score(ScoredEvent e, long timestamp, Header[] carried) {
        String topic = deps.topics().scores();
        Encoded enc = encode(e.getEntity(), codecs.scored(topic, e), null, carried);
        if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
            Slimming.Slim<ScoredEvent> slim = Slimming.score(e);
            enc = encode(slim.record().getEntity(), codecs.scored(topic, slim.record()), slim, carried);
            if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
                deps.metrics().oversized("score");
                return false;
            }
            deps.metrics().truncated("score");
        }
        forward(topic, enc, timestamp);
        return true;
    }

    /**
     * Writes the alert, shortened if needed (first capped strings, then only the context the model reads);
     * returns what was written, for the subscription copies, or null when even that does not fit.
     */
    Encoded alert(Alert a, Set<String> modelContextKeys, long timestamp) {
        return alert(a, modelContextKeys, timestamp, CarriedHeaders.NONE);
    }

    /**
     * As {@link #alert(Alert, Set, long)}, with the input headers carried to it (and so to its subscription copies).
     */
    Encoded alert(Alert a, Set<String> modelContextKeys, long timestamp, Header[] carried) {
        String topic = deps.topics().alerts();
        Encoded enc = encode(a.getEntity(), codecs.alert(topic, a), null, carried);
        if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
            Slimming.Slim<Alert> slim = Slimming.alert(a);
            enc = encode(slim.record().getEntity(), codecs.alert(topic, slim.record()), slim, carried);
            if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
                slim = Slimming.alertMinimal(a, modelContextKeys);
                enc = encode(slim.record().getEntity(), codecs.alert(topic, slim.record()), slim, carried);
            }
            if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
                deps.metrics().oversized("alert");
                return null;
            }
            deps.metrics().truncated("alert");
        }
        forward(topic, enc, timestamp);
        return enc;
    }

    /**
     * Copies an alert to a subscription's topic when that topic exists; otherwise the input is dead-lettered
     * ({@code DELIVERY_FAILED}, naming subscription and topic) so that a replay, once the topic exists, delivers
     * the copy with the same alert id.
     */
    void copy(Record<byte[], byte[]> in, Source src, String subscriberId, String topic, Alert alert, Encoded enc) {
        if (deps.outputs().knownTopics().exists(topic)) {
            forward(topic, enc, in.timestamp());
            deps.metrics().routed(subscriberId);
            missingTopics.remove(topic);
            return;
        }
        deps.metrics().unroutable(subscriberId);
        if (missingTopics.add(topic)) {
            LOG.warn("Subscription '{}' routes to Kafka topic '{}', which does not exist: alert copies for it are "
                    + "dead-lettered (first: {}) until it exists; counted in {}", subscriberId, topic, src,
                    DetectorMetrics.UNROUTABLE);
        } else {
            LOG.debug("Alert {} not copied to missing topic '{}', input {} dead-lettered", alert.getAlertId(), topic,
                    src);
        }
        deadLetter(in, src, DeadLetterReason.DELIVERY_FAILED, UnknownTopicOrPartitionException.class.getName(),
                "subscription '" + subscriberId + "' routes alerts to Kafka topic '" + topic + "', which does not "
                        + "exist: alert " + alert.getAlertId() + " is on '" + deps.topics().alerts()
                        + "' but was not copied there (replay this record once the topic exists)", alert.getModel());
    }

    /** Dead letter for an output of this input that does not fit even shortened. */
    void oversized(Record<byte[], byte[]> in, Source src, String output, String model) {
        deadLetter(in, src, DeadLetterReason.OTHER, TOO_LARGE, "the " + output + " of this record exceeds the "
                + "output limit of " + guard.budget() + " bytes (producer max.request.size minus framing) even when "
                + "shortened", model);
    }

    void deadLetter(Record<byte[], byte[]> in, Source src, DeadLetterReason reason, String errorClass,
                    String message, String model) {
        deps.metrics().deadLetter(reason.name());
        LOG.debug("Dead letter {} from {}: {}", reason, src, message);
        String topic = deps.topics().dlq();
        DeadLetter d = DeadLetters.of(src, in.key(), in.value(), in.headers(), in.timestamp(), reason, errorClass,
                message, model, context.currentSystemTimeMs());
        Encoded enc = new Encoded(in.key(), codecs.deadLetter(topic, d), CarriedHeaders.NONE);
        if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
            byte[] key = Truncation.cap(in.key(), Truncation.MAX_BYTES);
            int room = guard.budget() - (key == null ? 0 : key.length);
            enc = new Encoded(key, codecs.deadLetter(topic, DeadLetters.shortened(d, codecs, topic, room)),
                    CarriedHeaders.NONE);
            if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
                deps.metrics().oversized("dead-letter");
                LOG.error("Dead letter ({}) of {} does not fit {} bytes even shortened: skipped", reason, src,
                        guard.budget());
                return;
            }
            deps.metrics().truncated("dead-letter");
            LOG.warn("Dead letter ({}) of {} shortened: the original ({} bytes of value) stays at that offset", reason,
                    src, in.value() == null ? 0 : in.value().length);
        }
        forward(topic, enc, in.timestamp());
    }

    /**
     * Parks the input untouched (replay = copy back) with the parking headers; a record too large to park
     * unchanged is dead-lettered ({@code NO_MODEL}) instead, since a shortened copy could not be replayed.
     */
    void park(Record<byte[], byte[]> in, Source src, String model) {
        RecordHeaders headers = new RecordHeaders(in.headers().toArray());
        headers.add(ScoringProcessor.PARKING_REASON_HEADER, "no-model".getBytes(StandardCharsets.UTF_8));
        headers.add(ScoringProcessor.PARKING_MODEL_HEADER, model.getBytes(StandardCharsets.UTF_8));
        headers.add(ScoringProcessor.PARKING_SOURCE_HEADER, src.toString().getBytes(StandardCharsets.UTF_8));
        Header[] parked = headers.toArray();
        if (!guard.fits(in.key(), in.value(), parked)) {
            deps.metrics().oversized("parked");
            deadLetter(in, src, DeadLetterReason.NO_MODEL, TOO_LARGE, "model '" + Truncation.cap(model)
                    + "' has no accepted version and the record is too large to park unchanged ("
                    + OutputGuard.size(in.key(), in.value(), parked) + " bytes > " + guard.budget() + ")", model);
            return;
        }
        deps.metrics().parked(Truncation.cap(model));
        forward(deps.topics().parking(), new Encoded(in.key(), in.value(), parked), in.timestamp());
    }

    void retrain(RetrainRequest r, long timestamp) {
        String topic = deps.topics().retrain();
        Encoded enc = new Encoded(r.getModel().getBytes(StandardCharsets.UTF_8), codecs.retrain(topic, r),
                CarriedHeaders.NONE);
        if (!guard.fits(enc.key(), enc.value(), enc.headers())) {
            deps.metrics().oversized("retrain");
            LOG.error("Retrain request of {} does not fit {} bytes: skipped", Truncation.cap(r.getModel()),
                    guard.budget());
            return;
        }
        forward(topic, enc, timestamp);
    }

    /** The output of a score or alert: the carried headers as they are, plus the truncation header if shortened. */
    private static Encoded encode(String entity, byte[] value, Slimming.Slim<?> slim, Header[] carried) {
        Header[] headers = carried;
        if (slim != null) {
            headers = Arrays.copyOf(carried, carried.length + 1);
            headers[carried.length] = new RecordHeader(Slimming.TRUNCATED,
                    Slimming.describe(slim.fields()).getBytes(StandardCharsets.UTF_8));
        }
        return new Encoded(entity.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    private void forward(String topic, Encoded enc, long timestamp) {
        Header[] headers = enc.headers();
        Output out = new Output(topic, enc.value());
        // a Record copies the headers it is given into RecordHeaders of its own: no second copy here
        context.forward(headers.length == 0 ? new Record<>(enc.key(), out, timestamp)
                : new Record<>(enc.key(), out, timestamp, new RecordHeaders(headers)));
    }
}
