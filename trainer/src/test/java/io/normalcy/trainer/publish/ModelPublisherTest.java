package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelControlAction;
import io.normalcy.avro.ModelVersion;
import io.normalcy.schemas.ModelControls;
import io.normalcy.schemas.ModelKeys;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.normalcy.trainer.publish.FakeModelsTopic.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelPublisherTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-05-01T10:00:00Z"), ZoneOffset.UTC);
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final RecordSigner SIGNER = new RecordSigner(io.normalcy.flow.state.ModelSigner.hmacKey(SECRET), "k1");

    private final FakeModelsTopic topic = new FakeModelsTopic();
    private final List<MockProducer<String, byte[]>> created = new ArrayList<>();
    private final List<String> transactionalIds = new ArrayList<>();
    private final List<Long> drafted = new ArrayList<>();
    /** Runs when producer number i (0-based) is created: simulates what other publishers do meanwhile. */
    private final List<Consumer<MockProducer<String, byte[]>>> onCreate = new ArrayList<>();
    private final List<Long> pauses = new ArrayList<>();

    private ModelPublisher publisher(int keep) {
        return new ModelPublisher(id -> {
            MockProducer<String, byte[]> p = new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
            if (created.size() < onCreate.size()) {
                onCreate.get(created.size()).accept(p);
            }
            created.add(p);
            transactionalIds.add(id);
            return p;
        }, topic.catalog(), FakeModelsTopic.TOPIC, SIGNER, keep, CLOCK, pauses::add);
    }

    private static ModelVersion signed(ModelVersion mv) {
        try {
            return SIGNER.sign(mv);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModelControl signed(ModelControl c) {
        try {
            return SIGNER.sign(c);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private ModelPublisher.Draft draft(String name) {
        return v -> {
            drafted.add(v);
            return SIGNER.sign(model(name, v));
        };
    }

    @Test
    void numbersInsideTheFencedSectionSignsAndKeysPerVersion() {
        topic.append(model("payments", 1));
        topic.append("payments", "junk".getBytes(StandardCharsets.UTF_8));
        ModelVersion mv = publisher(5).publish("payments", draft("payments"));
        assertEquals(2, mv.getVersion());
        MockProducer<String, byte[]> p = created.get(0);
        assertTrue(p.transactionInitialized() && p.transactionCommitted());
        assertEquals(List.of(ModelPublisher.TRANSACTIONAL_ID_PREFIX + "payments"), transactionalIds);
        ProducerRecord<String, byte[]> r = p.history().get(0);
        assertEquals("payments/v2", r.key());
        assertEquals("k1", new String(r.headers().lastHeader(ModelKeys.KEY_ID_HEADER).value(), StandardCharsets.UTF_8));
        assertTrue(p.closed(), "one producer per section");
    }

    @Test
    void aPublisherFencedByAnotherRereadsTheTopicAndTakesTheNextNumber() {
        topic.append(model("payments", 1));
        onCreate.add(p -> p.commitTransactionException = new ProducerFencedException("another trainer took over"));
        // while we were fenced, the other trainer committed v2
        onCreate.add(p -> topic.append(signed(model("payments", 2))));
        ModelVersion mv = publisher(5).publish("payments", draft("payments"));
        assertEquals(3, mv.getVersion());
        assertEquals(List.of(2L, 3L), drafted, "built again with the new number");
        assertFalse(created.get(0).transactionCommitted());
        assertTrue(created.get(1).transactionCommitted());
        assertEquals("payments/v3", created.get(1).history().get(0).key());
    }

    @Test
    void fencedOnEveryAttemptPublishesNothing() {
        for (int i = 0; i < ModelPublisher.ATTEMPTS; i++) {
            onCreate.add(p -> p.commitTransactionException = new ProducerFencedException("fenced"));
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> publisher(5).publish("payments", draft("payments")));
        assertTrue(e.getMessage().contains("fenced " + ModelPublisher.ATTEMPTS + " times"), e.getMessage());
        assertTrue(created.stream().noneMatch(MockProducer::transactionCommitted));
        assertEquals(ModelPublisher.ATTEMPTS - 1, pauses.size(), "a pause between attempts, none after the last");
    }

    @Test
    void backOffGrowsWithTheAttemptAndTheFencedAttemptsDuration() {
        java.time.Duration slow = java.time.Duration.ofMillis(400);
        for (long random : new long[]{0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 123_456_789}) {
            long first = ModelPublisher.backOffMillis(1, slow, random);
            assertTrue(first >= 400 && first <= 800, "attempt 1 waits 1-2x the attempt: " + first);
            long third = ModelPublisher.backOffMillis(3, slow, random);
            assertTrue(third >= 400 && third <= 3200, "attempt 3 waits 1-8x the attempt: " + third);
            long fast = ModelPublisher.backOffMillis(1, java.time.Duration.ofMillis(1), random);
            assertTrue(fast >= 50 && fast <= 100, "at least 50 ms: " + fast);
            long late = ModelPublisher.backOffMillis(9, java.time.Duration.ofSeconds(30), random);
            assertTrue(late >= 0 && late <= 10_000, "capped at 10 s: " + late);
        }
        assertEquals(800, ModelPublisher.backOffMillis(1, slow, 400), "the random part spans the whole range");
    }

    @Test
    void olderVersionsThanTheLastNAreRetiredInTheSameTransactionExceptThePinnedOne() {
        for (long v = 1; v <= 4; v++) {
            topic.append(model("payments", v));
        }
        topic.append(signed(ModelControls.pin("payments", 1, 1, CLOCK.instant(), null, null)));
        ModelPublisher publisher = publisher(2);
        assertEquals(5, publisher.publish("payments", draft("payments")).getVersion());
        List<ProducerRecord<String, byte[]>> sent = created.get(0).history();
        assertEquals(List.of("payments/v5", "payments/v2", "payments/v3"), sent.stream().map(ProducerRecord::key).toList());
        ModelsTopicDecoder codec = new ModelsTopicDecoder();
        ModelControl retire = codec.decode("t", sent.get(1).value()).control();
        assertEquals(ModelControlAction.RETIRE, retire.getAction());
        assertEquals("k1", retire.getKeyId());
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> ModelControls.verify(retire,
                io.normalcy.flow.state.ModelSigner.hmacKey(SECRET)));
        topic.appendCommitted(created.get(0));
        assertEquals(6, publisher.publish("payments", draft("payments")).getVersion());
        assertEquals(List.of("payments/v6", "payments/v4"), created.get(1).history().stream()
                .map(ProducerRecord::key).toList(), "v1 stays: it is pinned");
    }

    @Test
    void pinsNameAPublishedVersionAndTakeTheNextSequence() {
        topic.append(model("payments", 1));
        topic.append(model("payments", 2));
        topic.append(signed(ModelControls.pin("payments", 1, 4, CLOCK.instant(), null, null)));
        ModelPublisher publisher = publisher(5);
        ModelControl pin = publisher.pin("payments", 2, "rollback");
        assertEquals(5, pin.getSequence());
        assertEquals("payments/pin/5", created.get(0).history().get(0).key());
        topic.appendCommitted(created.get(0));
        ModelControl unpin = publisher.unpin("payments", "done");
        assertEquals(6, unpin.getSequence());
        assertEquals(ModelControlAction.UNPIN, unpin.getAction());

        ModelPublisher.UnknownVersionException e = assertThrows(ModelPublisher.UnknownVersionException.class,
                () -> publisher.pin("payments", 9, null));
        assertTrue(e.getMessage().contains("no version 9") && e.getMessage().contains("v2"), e.getMessage());
        MockProducer<String, byte[]> aborted = created.get(created.size() - 1);
        assertTrue(aborted.transactionAborted() && aborted.history().isEmpty());
        assertThrows(ModelPublisher.UnknownVersionException.class, () -> publisher.unpin("nope", null));
    }

    @Test
    void aFailingDraftAbortsAndPublishesNothing() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> publisher(5).publish("payments",
                v -> {
                    throw new java.io.IOException("disk full");
                }));
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertTrue(created.get(0).transactionAborted());
        assertTrue(created.get(0).history().isEmpty());
    }
}
