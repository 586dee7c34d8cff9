package io.normalcy.detector.delivery;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.normalcy.avro.Alert;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.schemas.kafka.ConsumerLoop;
import io.normalcy.schemas.kafka.TopicReader;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
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
 * disconnects clients that fall behind. While nobody listens, records are skipped without decoding. The consumer is
 * a {@link ConsumerLoop} started on the application's {@link StartupEvent} (when the stream is enabled); a failed
 * session restarts at the then latest offsets (alerts in between are not streamed).
 */
@Context
public final class AlertBroadcaster implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(AlertBroadcaster.class);

    private final boolean enabled;
    private final String topic;
    private final Sinks.Many<Alert> sink = Sinks.many().multicast().directBestEffort();
    private final AvroSerde<Alert> serde = NormalcySerdes.alert();
    private final ConsumerLoop<byte[], byte[]> loop;
    private volatile boolean ready;

    AlertBroadcaster(DeliveryConfiguration config, DetectorConfiguration detector,
                     @Named("kafkaClientProperties") Properties clientProps) {
        this.enabled = config.streamEnabled();
        this.topic = detector.detectorTopics().alerts();
        Properties consumerProps = KafkaClients.consumer(clientProps, null, "normalcy-alert-stream");
        this.loop = new ConsumerLoop<>("alert-stream", () -> new KafkaConsumer<>(consumerProps,
                new ByteArrayDeserializer(), new ByteArrayDeserializer()), new Streamer(), Duration.ofMillis(500));
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        if (enabled) {
            loop.start();
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

    /** The consumer loop's state (FAILED: e.g. not authorized to read the alerts topic; see its failure). */
    public ConsumerLoop<byte[], byte[]> loop() {
        return loop;
    }

    /** One session: every partition from its latest offset on. */
    private final class Streamer implements ConsumerLoop.Handler<byte[], byte[]> {
        @Override
        public void onStart(Consumer<byte[], byte[]> c) {
            List<TopicPartition> parts = TopicReader.requirePartitions(c, topic, Duration.ofSeconds(10));
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position); // resolve "latest" now, not lazily at the first poll
            ready = true;
            LOG.info("Alert stream reading {} from the latest offsets", topic);
        }

        @Override
        public void onRecord(ConsumerRecord<byte[], byte[]> r) {
            if (sink.currentSubscriberCount() > 0) {
                emit(r);
            }
        }

        @Override
        public void onSessionEnd() {
            ready = false;
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

    @PreDestroy
    void close() {
        loop.close();
        sink.tryEmitComplete();
    }
}
