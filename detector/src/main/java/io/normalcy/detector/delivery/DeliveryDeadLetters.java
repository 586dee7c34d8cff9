package io.normalcy.detector.delivery;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterHeader;
import io.normalcy.avro.DeadLetterReason;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Dead letters of the delivery side. They keep the original alert record (key, value, headers, coordinates) so an
 * operator can replay it to the subscriber once the receiver is fixed; the message names subscriber, URL, attempts
 * and the last status or error.
 */
final class DeliveryDeadLetters {
    static final String APPLICATION = "normalcy-detector";

    private DeliveryDeadLetters() {
    }

    static DeadLetter deliveryFailed(ConsumerRecord<byte[], byte[]> r, DeliveryOutcome o, String model, Instant now) {
        String message = "webhook delivery to subscriber '" + o.subscriberId() + "' failed: POST " + o.url()
                + " after " + o.attempts() + " attempt" + (o.attempts() == 1 ? "" : "s") + "; last result: "
                + o.lastResult();
        String errorClass = o.lastStatus() >= 0 ? "HTTP_" + o.lastStatus() : errorClassOf(o.lastError());
        return of(r, DeadLetterReason.DELIVERY_FAILED, errorClass, message, model, now);
    }

    /** The subscriber's queue was full: the alert was never attempted (see subscriber-queue-size). */
    static DeadLetter queueFull(ConsumerRecord<byte[], byte[]> r, String subscriberId, int queued, String model,
                                Instant now) {
        String message = "webhook delivery to subscriber '" + subscriberId + "' not attempted: " + queued
                + " alerts already queued for it (normalcy.detector.delivery.subscriber-queue-size); its receiver is"
                + " too slow or down";
        return of(r, DeadLetterReason.DELIVERY_FAILED, "QUEUE_FULL", message, model, now);
    }

    static DeadLetter undecodable(ConsumerRecord<byte[], byte[]> r, RuntimeException e, Instant now) {
        return of(r, DeadLetterReason.DESERIALIZATION, e.getClass().getName(),
                "webhook delivery cannot decode alert: " + e.getMessage(), null, now);
    }

    /** The alert decoded but could not be rendered to the webhook body: not bad input, an alert not delivered. */
    static DeadLetter unrenderable(ConsumerRecord<byte[], byte[]> r, Alert alert, Exception e, Instant now) {
        return of(r, DeadLetterReason.DELIVERY_FAILED, e.getClass().getName(), "webhook delivery cannot render alert '"
                + alert.getAlertId() + "' as its webhook body: " + e.getMessage(), alert.getModel(), now);
    }

    private static String errorClassOf(String lastError) {
        if (lastError == null) {
            return "WEBHOOK_FAILED";
        }
        if (lastError.startsWith("blocked:")) {
            return "WEBHOOK_BLOCKED";
        }
        int colon = lastError.indexOf(':');
        return colon > 0 ? lastError.substring(0, colon) : lastError;
    }

    private static DeadLetter of(ConsumerRecord<byte[], byte[]> r, DeadLetterReason reason, String errorClass,
                                 String message, String model, Instant now) {
        List<DeadLetterHeader> hs = new ArrayList<>();
        for (Header h : r.headers()) {
            hs.add(new DeadLetterHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
        }
        return DeadLetter.newBuilder().setSourceTopic(r.topic()).setPartition(r.partition()).setOffset(r.offset())
                .setKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
                .setValue(r.value() == null ? null : ByteBuffer.wrap(r.value())).setHeaders(hs)
                .setSourceTimestamp(r.timestamp() >= 0 ? Instant.ofEpochMilli(r.timestamp()) : null)
                .setErrorClass(errorClass).setReason(reason).setMessage(message).setModel(model)
                .setFailedAt(now).setApplication(APPLICATION).build();
    }
}
