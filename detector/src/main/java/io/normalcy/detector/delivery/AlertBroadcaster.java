package io.normalcy.detector.delivery;

import io.micronaut.context.annotation.Context;
import io.normalcy.avro.Alert;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * Live feed of committed alerts for {@code GET /alerts/stream}: one consumer per instance (every partition,
 * manual assignment, no group: each instance serves its own clients) starting at the latest offset, emitting
 * into a multicast sink with best-effort delivery. The consumer never waits for a client: a subscriber without
 * demand simply misses the element, and the per-client bounded buffer (see {@code AlertStreamController})
 * disconnects clients that fall behind. While nobody listens, records are skipped without decoding.
 */
@Context
public final class AlertBroadcaster {
    private static final Logger LOG = LoggerFactory.getLogger(AlertBroadcaster.class);

    private final boolean enabled;
    private final String topic;
    private final Properties consumerProps;
    private final Sinks.Many<Alert> sink = Sinks.many().multicast().directBestEffort();
    private final AvroSerde<Alert> serde = NormalcySerdes.alert();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean ready;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    AlertBroadcaster(DeliveryConfiguration config, DetectorConfiguration detector,
                     @Named("kafkaClientProperties") Properties clientProps) {
        this.enabled = config.streamEnabled();
        this.topic = detector.detectorTopics().alerts();
        this.consumerProps = KafkaClients.consumer(clientProps, null, "normalcy-alert-stream");
        this.thread = new Thread(this::run, "alert-stream");
        thread.setDaemon(true);
        if (enabled) {
            thread.start();
        }
    }

    public boolean enabled() {
        return enabled;
    }

    /** Whether the consumer is positioned at the end of every partition: alerts committed from now on flow. */
    public boolean isReady() {
        return ready;
    }

    /** Alerts from the moment of subscription on (hot). */
    public Flux<Alert> alerts() {
        return sink.asFlux();
    }

    public int subscriberCount() {
        return sink.currentSubscriberCount();
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    return;
                }
                List<TopicPartition> parts = partitions(c);
                c.assign(parts);
                c.seekToEnd(parts);
                parts.forEach(c::position); // resolve "latest" now, not lazily at the first poll
                ready = true;
                LOG.info("Alert stream reading {} from the latest offsets", topic);
                while (running) {
                    var records = c.poll(Duration.ofMillis(500));
                    if (records.isEmpty() || sink.currentSubscriberCount() == 0) {
                        continue;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : records) {
                        emit(r);
                    }
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                ready = false;
                if (running) {
                    LOG.warn("Alert stream consumer failed, restarting in 1 s (alerts in between are not streamed): {}",
                            e.toString());
                    sleepQuietly(1000);
                }
            }
        }
    }

    private void emit(ConsumerRecord<byte[], byte[]> r) {
        Alert a;
        try {
            a = serde.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.debug("Alert stream skips undecodable record {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return;
        }
        if (a != null) {
            // single emitting thread; FAIL_ZERO_SUBSCRIBER etc. are fine to ignore
            sink.tryEmitNext(a);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            }
            sleepQuietly(500);
        }
        throw new WakeupException();
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread.isAlive()) {
            thread.join(10_000);
        }
        sink.tryEmitComplete();
    }
}
