package io.normalcy.detector.subscription;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.delivery.DeliveryMetrics;
import io.normalcy.detector.delivery.KafkaClients;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.kafka.ConsumerLoop;
import io.normalcy.schemas.kafka.TopicReader;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's view of the compacted subscriptions topic: a background consumer reads it from the beginning
 * (every partition, no consumer group — every instance needs every subscription) into a {@link SubscriptionRegistry}
 * of compiled {@link SubscriptionMatcher}s, used by {@code GET /subscriptions} and by webhook delivery. Independent
 * of the Kafka Streams global store, so the API and delivery work whether or not the Streams app is running.
 * {@link #awaitApplied} gives read-your-writes to the API: a POST returns once its own record is visible here.
 * Undecodable records and key ≠ subscriberId are logged and remove the entry (same rule as the topology's store);
 * a subscription whose entity pattern is not valid RE2 is kept but matches nothing (logged, and counted by the
 * {@code normalcy.subscriptions.unusable} gauge); the consumer never dies on data. The consumer is a
 * {@link ConsumerLoop} started on the application's {@link StartupEvent} and closed with the bean; a session that
 * fails (topic not there yet, broker gone) is restarted and reads the topic from the beginning again.
 */
@Context
public final class SubscriptionView implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionView.class);

    private final String topic;
    private final Runnable ensureTopic;
    private final SubscriptionRegistry registry = new SubscriptionRegistry();
    private final AvroSerde<AlertSubscription> serde = NormalcySerdes.alertSubscription();
    private final Map<Integer, Long> positions = new HashMap<>(); // guarded by this
    private final CountDownLatch ready = new CountDownLatch(1);
    private final ConsumerLoop<String, byte[]> loop;
    private List<TopicPartition> parts = List.of(); // loop thread only
    private Map<TopicPartition, Long> end = Map.of(); // loop thread only: end offsets when the session started

    @Inject
    SubscriptionView(DetectorConfiguration config, DeliveryMetrics metrics,
                     @Named("kafkaClientProperties") Properties clientProps) {
        this(config.detectorTopics().subscriptions(), consumers(clientProps),
                new SubscriptionTopics(clientProps, config)::ensureSubscriptionsTopic);
        metrics.unusableSubscriptionsGauge(registry);
    }

    /**
     * @param consumers   creates the consumer of one session (raw values, string keys)
     * @param ensureTopic creates the topic if so configured, before each session
     */
    SubscriptionView(String topic, Supplier<? extends Consumer<String, byte[]>> consumers, Runnable ensureTopic) {
        this.topic = topic;
        this.ensureTopic = ensureTopic;
        this.loop = new ConsumerLoop<>("subscriptions-view", consumers, new Reader(), Duration.ofMillis(200));
    }

    private static Supplier<Consumer<String, byte[]>> consumers(Properties clientProps) {
        Properties props = KafkaClients.consumer(clientProps, null, "normalcy-subscriptions-view");
        return () -> new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        loop.start();
    }

    public String topic() {
        return topic;
    }

    /** Compiled, valid subscriptions (enabled or not). */
    public SubscriptionRegistry registry() {
        return registry;
    }

    public AlertSubscription get(String subscriberId) {
        SubscriptionMatcher m = registry.get(subscriberId);
        return m == null ? null : m.subscription();
    }

    public List<AlertSubscription> all() {
        return registry.all();
    }

    /** Whether the topic has been read up to its end offsets as of start-up. */
    public boolean isReady() {
        return ready.getCount() == 0;
    }

    /** Waits until {@link #isReady()}; false on timeout. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits until the record at {@code partition}/{@code offset} has been applied; false on timeout. */
    public synchronized boolean awaitApplied(int partition, long offset, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (positions.getOrDefault(partition, -1L) <= offset) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The consumer loop's state (FAILED: e.g. not authorized to read the topic; see its failure). */
    public ConsumerLoop<String, byte[]> loop() {
        return loop;
    }

    /** One session: every partition from the beginning; ready once the end offsets of the session start are reached. */
    private final class Reader implements ConsumerLoop.Handler<String, byte[]> {
        @Override
        public void onStart(Consumer<String, byte[]> c) {
            ensureTopic.run();
            parts = TopicReader.requirePartitions(c, topic, Duration.ofSeconds(10));
            c.assign(parts);
            c.seekToBeginning(parts);
            end = c.endOffsets(parts);
            LOG.info("Reading subscriptions from {} ({} partitions, {} records at most)", topic, parts.size(),
                    end.values().stream().mapToLong(Long::longValue).sum());
        }

        @Override
        public void onRecord(ConsumerRecord<String, byte[]> r) {
            apply(r);
        }

        @Override
        public void afterPoll(Consumer<String, byte[]> c, ConsumerRecords<String, byte[]> records) {
            synchronized (SubscriptionView.this) {
                for (TopicPartition tp : parts) {
                    positions.put(tp.partition(), c.position(tp));
                }
                SubscriptionView.this.notifyAll();
            }
            if (ready.getCount() > 0 && parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                LOG.info("Subscriptions view ready: {} subscriptions", registry.all().size());
                ready.countDown();
            }
        }
    }

    void apply(ConsumerRecord<String, byte[]> r) {
        String key = r.key();
        if (key == null) {
            LOG.warn("Ignoring subscription record without key at {}-{}@{}", r.topic(), r.partition(), r.offset());
            return;
        }
        if (r.value() == null) {
            registry.remove(key);
            LOG.info("Subscription {} deleted", key);
            return;
        }
        try {
            AlertSubscription s = serde.deserialize(r.topic(), r.value());
            if (!key.equals(s.getSubscriberId())) {
                throw new IllegalArgumentException("record key '" + key + "' differs from subscriberId '"
                        + s.getSubscriberId() + "'");
            }
            registry.put(new SubscriptionMatcher(s));
        } catch (RuntimeException e) {
            registry.remove(key);
            LOG.warn("Ignoring invalid subscription {} at {}-{}@{}: {}", key, r.topic(), r.partition(), r.offset(),
                    e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        loop.close();
    }
}
