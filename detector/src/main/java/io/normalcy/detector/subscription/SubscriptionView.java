package io.normalcy.detector.subscription;

import io.micronaut.context.annotation.Context;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.delivery.DeliveryMetrics;
import io.normalcy.detector.delivery.KafkaClients;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.detector.routing.SubscriptionRegistry;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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
 * {@code normalcy.subscriptions.unusable} gauge); the consumer thread never dies on data.
 */
@Context
public final class SubscriptionView {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionView.class);

    private final String topic;
    private final Properties consumerProps;
    private final SubscriptionTopics topicAdmin;
    private final SubscriptionRegistry registry = new SubscriptionRegistry();
    private final AvroSerde<AlertSubscription> serde = NormalcySerdes.alertSubscription();
    private final Map<Integer, Long> positions = new HashMap<>(); // guarded by this
    private final CountDownLatch ready = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;

    SubscriptionView(DetectorConfiguration config, DeliveryMetrics metrics,
                     @Named("kafkaClientProperties") Properties clientProps) {
        this.topic = config.detectorTopics().subscriptions();
        metrics.unusableSubscriptionsGauge(registry);
        this.consumerProps = KafkaClients.consumer(clientProps, null, "normalcy-subscriptions-view");
        this.topicAdmin = new SubscriptionTopics(clientProps, config);
        this.thread = new Thread(this::run, "subscriptions-view");
        thread.setDaemon(true);
        thread.start();
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

    private void run() {
        while (running) {
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    return;
                }
                topicAdmin.ensureSubscriptionsTopic();
                List<TopicPartition> parts = partitions(c);
                c.assign(parts);
                c.seekToBeginning(parts);
                Map<TopicPartition, Long> end = c.endOffsets(parts);
                LOG.info("Reading subscriptions from {} ({} partitions, {} records at most)", topic, parts.size(),
                        end.values().stream().mapToLong(Long::longValue).sum());
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        apply(r);
                    }
                    synchronized (this) {
                        for (TopicPartition tp : parts) {
                            positions.put(tp.partition(), c.position(tp));
                        }
                        notifyAll();
                    }
                    if (ready.getCount() > 0 && parts.stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                        LOG.info("Subscriptions view ready: {} subscriptions", registry.all().size());
                        ready.countDown();
                    }
                }
            } catch (WakeupException e) {
                if (running) {
                    LOG.warn("Subscriptions view woken up unexpectedly; restarting");
                }
            } catch (RuntimeException e) {
                if (running) {
                    LOG.warn("Subscriptions view failed, retrying in 1 s: {}", e.toString());
                    sleepQuietly(1000);
                }
            }
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            }
            LOG.info("Waiting for topic {} to exist", topic);
            sleepQuietly(500);
        }
        throw new WakeupException();
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
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        thread.join(10_000); // closing the consumer after wakeup() can take a few seconds
        if (thread.isAlive()) {
            thread.interrupt(); // stuck in an admin call to an unreachable cluster
            thread.join(5_000);
        }
    }
}
