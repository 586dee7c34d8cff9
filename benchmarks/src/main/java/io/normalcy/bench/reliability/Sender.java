package io.normalcy.bench.reliability;

import io.normalcy.bench.reliability.Ledger.Expectation;
import io.normalcy.bench.reliability.Ledger.Input;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The harness's producer of one case's input topic: idempotent, {@code acks=all}, and patient enough to ride out a
 * broker restart (sends are retried for minutes instead of failing). Each acknowledged record goes into the
 * {@link Ledger} with the coordinates the broker gave it; a send that finally fails is counted and reported (its
 * record may or may not be in the log, so the case cannot pass).
 */
final class Sender implements AutoCloseable {
    /** Header naming the record's kind and sequence number, for a human reading a dead letter or a parked copy. */
    static final String ID_HEADER = "chaos-id";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final Ledger ledger;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    Sender(String bootstrap, String clientId, String topic, Ledger ledger) {
        this.producer = producer(bootstrap, clientId);
        this.topic = topic;
        this.ledger = ledger;
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        // a broker restart must delay sends, not fail them
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Sends one record; the ledger learns it when the broker acknowledges it.
     *
     * @param id    sequence id for the {@value #ID_HEADER} header
     * @param value may be null (a tombstone is one of the malformed kinds)
     */
    void send(String kind, String id, byte[] key, byte[] value, Expectation expect) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ID_HEADER, (kind + ":" + id).getBytes(StandardCharsets.UTF_8));
        long sentAt = System.currentTimeMillis();
        producer.send(new ProducerRecord<>(topic, null, null, key, value, headers), (md, e) -> {
            if (e != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, e);
            } else {
                sent.incrementAndGet();
                ledger.sent(new Input(kind, md.partition(), md.offset(), sentAt, expect));
            }
        });
    }

    void flush() {
        producer.flush();
    }

    /** Acknowledged sends. */
    long acknowledged() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    /** "2 sends failed: TimeoutException ..." or null. */
    String failureText() {
        Exception e = firstError.get();
        return failed.get() == 0 ? null : failed.get() + " send(s) failed, first: " + e;
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(30));
    }

    /** Waits until the producer has no record in flight (a bounded {@link #flush}). */
    void flush(long timeoutMs) throws InterruptedException {
        Thread t = new Thread(producer::flush, "chaos-flush");
        t.setDaemon(true);
        t.start();
        t.join(timeoutMs);
        if (t.isAlive()) {
            throw new IllegalStateException("producer flush did not finish within " + TimeUnit.MILLISECONDS
                    .toSeconds(timeoutMs) + " s");
        }
    }
}
