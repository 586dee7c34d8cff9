package io.normalcy.detector.delivery;

import io.normalcy.avro.DeadLetter;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the delivery side's dead letters without blocking anyone: the poll loop and the subscriber lanes hand a
 * dead letter over and move on; {@code onWritten} runs once the broker has acknowledged it (that is when the
 * alert counts as handled for the offset commit). A failed write is retried every second until it succeeds or
 * the writer closes — a dead letter is never silently dropped, and until it is written the alert's offset is not
 * committed, so a restart repeats it. The producer is created with the first dead letter: most detectors never
 * write one, and a producer built at start-up would resolve and contact the brokers before anything needs them.
 */
final class DeadLetterWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterWriter.class);
    private static final long RETRY_MILLIS = 1000;

    private final String topic;
    private final DeliveryMetrics metrics;
    private final Properties producerProps;
    private KafkaProducer<byte[], byte[]> producer;
    private final AvroSerde<DeadLetter> serde = NormalcySerdes.deadLetter();
    private final ScheduledExecutorService retries;
    private volatile boolean closed;

    DeadLetterWriter(Properties producerProps, String topic, DeliveryMetrics metrics) {
        this.topic = topic;
        this.metrics = metrics;
        this.producerProps = producerProps;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "webhook-dlq-retry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Writes {@code dl} (keyed like the original record), then counts it under {@code reason} and runs the hook. */
    void write(ConsumerRecord<byte[], byte[]> source, DeadLetter dl, String reason, Runnable onWritten) {
        send(new ProducerRecord<>(topic, source.key(), serde.serialize(topic, dl)), reason, onWritten, 1);
    }

    private void send(ProducerRecord<byte[], byte[]> r, String reason, Runnable onWritten, int attempt) {
        if (closed) {
            return;
        }
        try {
            producer().send(r, (md, e) -> {
                if (e == null) {
                    metrics.deadLetter(reason);
                    onWritten.run();
                } else {
                    retry(r, reason, onWritten, attempt, e);
                }
            });
        } catch (RuntimeException e) {
            retry(r, reason, onWritten, attempt, e);
        }
    }

    private void retry(ProducerRecord<byte[], byte[]> r, String reason, Runnable onWritten, int attempt,
                       Exception e) {
        if (closed) {
            return;
        }
        if (attempt == 1 || attempt % 60 == 0) {
            LOG.error("Cannot write {} dead letter to {} (attempt {}); retrying every second: {}", reason, topic,
                    attempt, e.toString());
        }
        try {
            retries.schedule(() -> send(r, reason, onWritten, attempt + 1), RETRY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            // closing
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @Override
    public void close() {
        closed = true;
        retries.shutdownNow();
        synchronized (this) {
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }
}
