package io.normalcy.detector.delivery;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.json.JsonMapper;
import io.normalcy.avro.Alert;
import io.normalcy.avro.DeadLetter;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.detector.subscription.SubscriptionView;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook delivery: a consumer (group {@code webhook-group-id}, {@code read_committed}) of the alerts topic that
 * POSTs each alert, as {@link AlertJson}, to every matching enabled subscription with a webhook URL (matching is
 * {@link SubscriptionMatcher}'s, over this instance's {@link SubscriptionView}).
 *
 * <p>Semantics: at least once. Offsets are committed after every delivery of a polled batch has finished —
 * delivered, or dead-lettered ({@code DELIVERY_FAILED}) after the bounded retries of {@link WebhookDeliverer}
 * — so a crash repeats deliveries rather than losing them (receivers dedupe on {@code alertId}). Subscribers of one
 * alert are called in parallel ({@code concurrency}), so a dead receiver delays the others by at most
 * {@link BackoffPolicy#worstCase(Duration)} per alert; {@code max.poll.interval.ms} is sized from that bound.
 * An undecodable record is dead-lettered ({@code DESERIALIZATION}) and skipped; the loop never dies on data.
 * Shutdown interrupts in-flight retries, commits what was completed and closes within a bounded time.
 */
@Context
@Requires(property = "normalcy.detector.delivery.enabled", notEquals = "false")
public final class WebhookDeliveryService {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryService.class);
    static final String SUBSCRIBER_HEADER = "X-Normalcy-Subscriber";
    static final String ALERT_ID_HEADER = "X-Normalcy-Alert-Id";

    private final String alertsTopic;
    private final String dlqTopic;
    private final SubscriptionView view;
    private final JsonMapper json;
    private final DeliveryMetrics metrics;
    private final WebhookDeliverer deliverer;
    private final Properties consumerProps;
    private final Properties producerProps;
    private final ExecutorService executor;
    private final AvroSerde<Alert> alertSerde = NormalcySerdes.alert();
    private final AvroSerde<DeadLetter> dlqSerde = NormalcySerdes.deadLetter();
    private final Thread thread;
    private volatile boolean running = true;

    WebhookDeliveryService(DeliveryConfiguration config, DetectorConfiguration detector, SubscriptionView view,
                           JsonMapper json, DeliveryMetrics metrics,
                           @Named("kafkaClientProperties") Properties clientProps) {
        this.alertsTopic = detector.detectorTopics().alerts();
        this.dlqTopic = detector.detectorTopics().dlq();
        this.view = view;
        this.json = json;
        this.metrics = metrics;
        BackoffPolicy policy = config.backoffPolicy();
        this.deliverer = new WebhookDeliverer(new HttpWebhookTransport(config.requestTimeout()), policy,
                config.requestTimeout(), d -> Thread.sleep(d.toMillis()));
        this.consumerProps = KafkaClients.consumer(clientProps, config.webhookGroupId(), "normalcy-webhooks");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.webhookStartOffset());
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(config.maxPollRecords()));
        consumerProps.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG,
                String.valueOf(maxPollInterval(policy, config.requestTimeout(), config.maxPollRecords())));
        this.producerProps = KafkaClients.producer(clientProps, "normalcy-webhooks-dlq");
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(config.concurrency(), r -> {
            Thread t = new Thread(r, "webhook-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::run, "webhook-delivery");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Webhook delivery from {} (group {}, {} attempts, back-off {}..{}, timeout {}, concurrency {})",
                alertsTopic, config.webhookGroupId(), policy.maxAttempts(), policy.initial(), policy.max(),
                config.requestTimeout(), config.concurrency());
    }

    /** Time between polls a full batch of entirely failing deliveries can take, plus a minute; at least 5 min. */
    static long maxPollInterval(BackoffPolicy policy, Duration timeout, int maxPollRecords) {
        long worst = policy.worstCase(timeout).toMillis() * maxPollRecords + 60_000;
        return Math.min(Integer.MAX_VALUE, Math.max(300_000, worst));
    }

    private enum Result { DONE, RETRY, ABORTED }

    private void run() {
        try {
            while (running && !view.awaitReady(Duration.ofSeconds(1))) {
                LOG.debug("Webhook delivery waiting for the subscriptions view");
            }
        } catch (InterruptedException e) {
            return;
        }
        while (running) {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps,
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
                 KafkaProducer<byte[], byte[]> dlq = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                         new ByteArraySerializer())) {
                consumer.subscribe(List.of(alertsTopic));
                loop(consumer, dlq);
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                if (running) {
                    LOG.error("Webhook delivery failed; restarting the consumer in 1 s", e);
                    sleepQuietly(1000);
                }
            }
        }
        LOG.info("Webhook delivery stopped");
    }

    private void loop(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<byte[], byte[]> dlq) {
        while (running) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
            if (records.isEmpty()) {
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            Result result = Result.DONE;
            for (ConsumerRecord<byte[], byte[]> r : records) {
                result = running ? process(r, dlq) : Result.ABORTED;
                if (result != Result.DONE) {
                    break;
                }
                done.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
            }
            if (!done.isEmpty()) {
                try {
                    consumer.commitSync(done);
                } catch (RuntimeException e) {
                    // e.g. a rebalance took the partitions: another member repeats these deliveries (at least once)
                    LOG.warn("Could not commit webhook delivery offsets {}: {}", done, e.toString());
                }
            }
            if (result == Result.ABORTED) {
                return;
            }
            if (result == Result.RETRY) {
                // rewind every partition of the batch to its first unfinished record
                for (TopicPartition tp : records.partitions()) {
                    OffsetAndMetadata d = done.get(tp);
                    consumer.seek(tp, d != null ? d.offset() : records.records(tp).get(0).offset());
                }
                sleepQuietly(1000);
            }
        }
    }

    private Result process(ConsumerRecord<byte[], byte[]> r, KafkaProducer<byte[], byte[]> dlq) {
        Alert alert;
        try {
            alert = alertSerde.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("Undecodable alert at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage());
            return deadLetter(dlq, r, DeliveryDeadLetters.undecodable(r, e, Instant.now()), "DESERIALIZATION");
        }
        if (alert == null) {
            return Result.DONE;
        }
        List<SubscriptionMatcher> targets = new ArrayList<>();
        for (SubscriptionMatcher m : view.registry().matching(alert)) {
            String url = m.subscription().getDelivery().getWebhookUrl();
            if (url != null && !url.isBlank()) {
                targets.add(m);
            }
        }
        if (targets.isEmpty()) {
            return Result.DONE;
        }
        byte[] body;
        try {
            body = json.writeValueAsBytes(AlertJson.of(alert));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot render alert {} as JSON: {}", alert.getAlertId(), e.toString());
            return deadLetter(dlq, r, DeliveryDeadLetters.undecodable(r, new IllegalStateException(e), Instant.now()),
                    "DESERIALIZATION");
        }
        List<CompletableFuture<DeliveryOutcome>> futures = new ArrayList<>(targets.size());
        for (SubscriptionMatcher m : targets) {
            var d = m.subscription().getDelivery();
            Map<String, String> headers = new LinkedHashMap<>(d.getWebhookHeaders());
            headers.put(SUBSCRIBER_HEADER, m.subscriberId());
            headers.put(ALERT_ID_HEADER, alert.getAlertId());
            futures.add(CompletableFuture.supplyAsync(
                    () -> deliverer.deliver(m.subscriberId(), d.getWebhookUrl(), headers, body), executor));
        }
        List<DeliveryOutcome> outcomes = await(futures);
        if (outcomes == null) {
            return Result.ABORTED;
        }
        Result result = Result.DONE;
        for (DeliveryOutcome o : outcomes) {
            metrics.outcome(o);
            if (o.status() == DeliveryOutcome.Status.ABORTED) {
                result = Result.ABORTED;
            } else if (o.status() == DeliveryOutcome.Status.FAILED) {
                LOG.warn("Alert {} not delivered to {} ({}) after {} attempts: {}", alert.getAlertId(),
                        o.subscriberId(), o.url(), o.attempts(), o.lastResult());
                Result dl = deadLetter(dlq, r, DeliveryDeadLetters.deliveryFailed(r, o, alert.getModel(),
                        Instant.now()), "DELIVERY_FAILED");
                if (dl != Result.DONE && result == Result.DONE) {
                    result = dl;
                }
            }
        }
        return result;
    }

    /** All outcomes, or null when the service shut down before they completed. */
    private List<DeliveryOutcome> await(List<CompletableFuture<DeliveryOutcome>> futures) {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
        while (true) {
            try {
                all.get(200, TimeUnit.MILLISECONDS);
                return futures.stream().map(CompletableFuture::join).toList();
            } catch (TimeoutException e) {
                if (!running && executor.isShutdown()) {
                    // tasks still queued were dropped by shutdownNow and will never complete
                    return futures.stream().allMatch(CompletableFuture::isDone)
                            ? futures.stream().map(CompletableFuture::join).toList() : null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                throw new IllegalStateException("webhook delivery task failed", e.getCause());
            }
        }
    }

    private Result deadLetter(KafkaProducer<byte[], byte[]> dlq, ConsumerRecord<byte[], byte[]> r, DeadLetter dl,
                              String reason) {
        try {
            dlq.send(new ProducerRecord<>(dlqTopic, r.key(), dlqSerde.serialize(dlqTopic, dl))).get(60, TimeUnit.SECONDS);
            metrics.deadLetter(reason);
            return Result.DONE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Result.ABORTED;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.error("Cannot write dead letter for {}-{}@{} to {}; will retry the record", r.topic(), r.partition(),
                    r.offset(), dlqTopic, e);
            return running ? Result.RETRY : Result.ABORTED;
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
        executor.shutdownNow();
        thread.join(15_000);
        if (thread.isAlive()) {
            LOG.warn("Webhook delivery did not stop within 15 s");
        }
    }
}
