package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.avro.DeadLetterReason;
import io.normalcy.avro.Severity;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Decoding vs rendering an alert record for webhooks: each failure has its own dead-letter reason. */
class WebhookDeliveryPrepareTest {
    private static final String TOPIC = "normalcy.alerts";
    private static final Instant NOW = Instant.parse("2026-03-02T10:20:00Z");
    private final AvroSerde<Alert> serde = NormalcySerdes.alert();

    private static ConsumerRecord<byte[], byte[]> record(byte[] value) {
        return new ConsumerRecord<>(TOPIC, 2, 41L, "k".getBytes(StandardCharsets.UTF_8), value);
    }

    private byte[] alertBytes() {
        return serde.serialize(TOPIC, TestAlerts.alert("a-1", "payments", "card-9", Severity.CRITICAL));
    }

    @Test
    void anAlertIsDecodedAndRendered() {
        WebhookDeliveryService.Prepared p = WebhookDeliveryService.prepare(record(alertBytes()), serde,
                a -> a.getAlertId().getBytes(StandardCharsets.UTF_8), NOW);
        assertNull(p.deadLetter());
        assertEquals("a-1", p.alert().getAlertId());
        assertArrayEquals("a-1".getBytes(StandardCharsets.UTF_8), p.body());
    }

    @Test
    void bytesThatAreNoAlertAreADeserializationDeadLetter() {
        byte[] garbage = "not an alert".getBytes(StandardCharsets.UTF_8);
        WebhookDeliveryService.Prepared p = WebhookDeliveryService.prepare(record(garbage), serde,
                a -> {
                    throw new AssertionError("nothing to render");
                }, NOW);
        DeadLetter dl = p.deadLetter();
        assertEquals(DeadLetterReason.DESERIALIZATION, dl.getReason());
        assertNull(dl.getModel());
        assertEquals(41L, dl.getOffset());
        assertArrayEquals(garbage, dl.getValue().array());
    }

    @Test
    void anAlertThatCannotBeRenderedIsADeliveryFailedDeadLetterWithItsModel() {
        byte[] value = alertBytes();
        WebhookDeliveryService.Prepared p = WebhookDeliveryService.prepare(record(value), serde, a -> {
            throw new IOException("cannot write JSON");
        }, NOW);
        DeadLetter dl = p.deadLetter();
        assertEquals(DeadLetterReason.DELIVERY_FAILED, dl.getReason(), "the alert is fine: not bad input");
        assertEquals(IOException.class.getName(), dl.getErrorClass());
        assertEquals("payments", dl.getModel());
        assertTrue(dl.getMessage().contains("'a-1'") && dl.getMessage().contains("cannot write JSON"),
                dl.getMessage());
        assertEquals(NOW, dl.getFailedAt());
        assertArrayEquals(value, dl.getValue().array(), "the original alert is kept for a replay");
        assertNull(p.body());
    }
}
