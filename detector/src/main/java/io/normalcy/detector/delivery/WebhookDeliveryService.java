package io.normalcy.detector.delivery;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.json.JsonMapper;
import io.normalcy.avro.Alert;
import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.DeadLetter;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.detector.subscription.SubscriptionView;
import io.normalcy.schemas.kafka.ConsumerLoop;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.NormalcySerdes;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhook delivery: a consumer (group {@code webhook-group-id}, {@code read_committed}) of the alerts topic that
 * POSTs each alert, as {@link AlertJson}, to every matching enabled subscription with a webhook URL (matching is
 * {@link SubscriptionMatcher}'s, over this instance's {@link SubscriptionView}).
 *
 * <p>Isolation: the poll loop only decodes, matches and hands each (alert, subscriber) pair to that subscriber's
 * bounded queue ({@link SubscriberLanes}); every subscriber is served by its own thread, in alert order, with the
 * bounded retries of {@link WebhookDeliverer}. A receiver that is slow, hangs until the timeout or fails for good
 * delays only its own alerts; when its queue is full ({@code subscriber-queue-size}) further alerts for it are
 * dead-lettered at once ({@code QUEUE_FULL}) rather than buffered without limit. The poll loop itself never
 * waits for a receiver, so it always polls in time.
 *
 * <p>Semantics: at least once. An alert's offset is committed only after every subscriber it was handed to has
 * it delivered or dead-lettered ({@code DELIVERY_FAILED}, acknowledged by the broker) — {@link OffsetTracker} —
 * so a crash repeats deliveries rather than losing them (receivers dedupe on {@code alertId}). A queued alert is
 * sent with the subscription's settings at the time of sending (URL, headers, signing secret); if the
 * subscription was deleted or paused meanwhile it is skipped. An undecodable record is dead-lettered
 * ({@code DESERIALIZATION}), an alert that cannot be rendered to its webhook body too ({@code DELIVERY_FAILED});
 * the loop never dies on data. Shutdown drops the queues, aborts calls in flight,
 * commits what was completed and closes within a bounded time.
 *
 * <p>The consumer is a {@link ConsumerLoop} started on the application's {@link StartupEvent}; its session waits
 * for the subscriptions view to be ready. Dispatching is done per poll ({@link Handler#afterPoll}), not as the
 * loop's per-record step, on purpose: an unexpected failure must end the session uncommitted (the restart
 * delivers again from the committed offsets), not skip the record as the loop does with per-record errors.
 */
@Context
@Requires(property = "normalcy.detector.delivery.enabled", notEquals = "false")
public final class WebhookDeliveryService implements ApplicationEventListener<StartupEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliveryService.class);
    static final String SUBSCRIBER_HEADER = "X-Normalcy-Subscriber";
    static final String ALERT_ID_HEADER = "X-Normalcy-Alert-Id";

    /** One alert for one subscriber. */
    record Job(OffsetTracker.Ticket ticket, ConsumerRecord<byte[], byte[]> record, String subscriberId,
               String alertId, String model, byte[] body) {
    }

    private final String alertsTopic;
    private final String dlqTopic;
    private final SubscriptionView view;
    private final JsonMapper json;
    private final DeliveryMetrics metrics;
    private final HttpWebhookTransport transport;
    private final WebhookDeliverer deliverer;
    private final Properties producerProps;
    private volatile DeadLetterWriter deadLetters; // one per consumer session, like the consumer
    private final SubscriberLanes<Job> lanes;
    private final OffsetTracker tracker = new OffsetTracker();
    private final AvroSerde<Alert> alertSerde = NormalcySerdes.alert();
    private final ConsumerLoop<byte[], byte[]> loop;
    private volatile boolean running = true;

    WebhookDeliveryService(DeliveryConfiguration config, DetectorConfiguration detector, SubscriptionView view,
                           JsonMapper json, DeliveryMetrics metrics, WebhookGuard guard,
                           @Named("kafkaClientProperties") Properties clientProps) {
        this.alertsTopic = detector.detectorTopics().alerts();
        this.view = view;
        this.json = json;
        this.metrics = metrics;
        BackoffPolicy policy = config.backoffPolicy();
        this.transport = new HttpWebhookTransport(config.requestTimeout(), guard);
        this.deliverer = new WebhookDeliverer(transport, policy, config.requestTimeout(),
                d -> Thread.sleep(d.toMillis()));
        Properties consumerProps = KafkaClients.consumer(clientProps, config.webhookGroupId(), "normalcy-webhooks");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.webhookStartOffset());
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(config.maxPollRecords()));
        this.producerProps = KafkaClients.producer(clientProps, "normalcy-webhooks-dlq");
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        this.dlqTopic = detector.detectorTopics().dlq();
        this.lanes = new SubscriberLanes<>(config.subscriberQueueSize(), this::deliver, this::overflow);
        this.loop = new ConsumerLoop<>("webhook-delivery", () -> new KafkaConsumer<>(consumerProps,
                new ByteArrayDeserializer(), new ByteArrayDeserializer()), new Handler(), Duration.ofMillis(500));
        LOG.info("Webhook delivery from {} (group {}, {} attempts, back-off {}..{}, timeout {}, queue {} per"
                        + " subscriber)", alertsTopic, config.webhookGroupId(), policy.maxAttempts(), policy.initial(),
                policy.max(), config.requestTimeout(), config.subscriberQueueSize());
    }

    @Override
    public void onApplicationEvent(StartupEvent event) {
        loop.start();
    }

    /** The consumer loop's state (FAILED: e.g. not authorized for the group or topic; see its failure). */
    public ConsumerLoop<byte[], byte[]> loop() {
        return loop;
    }

    /** One consumer session of the group, with its own dead-letter writer. */
    private final class Handler implements ConsumerLoop.Handler<byte[], byte[]> {
        @Override
        public void onStart(Consumer<byte[], byte[]> consumer) {
            awaitView();
            deadLetters = new DeadLetterWriter(producerProps, dlqTopic, metrics);
            consumer.subscribe(List.of(alertsTopic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    commit(consumer);
                    tracker.revoke(partitions);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // start from the committed offsets; nothing to track yet
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    tracker.revoke(partitions);
                }
            });
        }

        @Override
        public void onRecord(ConsumerRecord<byte[], byte[]> r) {
            // dispatched per poll in afterPoll (see the class comment)
        }

        @Override
        public void afterPoll(Consumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
                for (ConsumerRecord<byte[], byte[]> r : rs) {
                    dispatch(tp, r);
                }
                tracker.handedOut(tp, rs.get(rs.size() - 1).offset() + 1);
            }
            commit(consumer);
        }

        @Override
        public void onStop(Consumer<byte[], byte[]> consumer) {
            commit(consumer);
        }

        @Override
        public void onSessionEnd() {
            DeadLetterWriter dlq = deadLetters;
            if (dlq != null) {
                dlq.close();
            }
            // a new session starts from the committed offsets; dead letters handed to the closed writer are
            // not acknowledged, so their alerts were not committed and are handled again
            tracker.revokeAll();
        }
    }

    private void awaitView() {
        try {
            while (running && !view.awaitReady(Duration.ofSeconds(1))) {
                LOG.debug("Webhook delivery waiting for the subscriptions view");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private void commit(Consumer<byte[], byte[]> consumer) {
        Map<TopicPartition, OffsetAndMetadata> offsets = tracker.committable();
        if (offsets.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(offsets);
            tracker.committed(offsets);
        } catch (RuntimeException e) {
            // e.g. a rebalance took the partitions: another member repeats these deliveries (at least once)
            LOG.warn("Could not commit webhook delivery offsets {}: {}", offsets, e.toString());
        }
    }

    /** Hands one record to the lanes of its matching subscribers (or the dead-letter writer); never blocks. */
    private void dispatch(TopicPartition tp, ConsumerRecord<byte[], byte[]> r) {
        Prepared p = prepare(r, alertSerde, a -> json.writeValueAsBytes(AlertJson.of(a)), Instant.now());
        if (p.deadLetter() != null) {
            OffsetTracker.Ticket t = tracker.open(tp, r.offset(), 1);
            deadLetters.write(r, p.deadLetter(), p.deadLetter().getReason().name(), t::done);
            return;
        }
        Alert alert = p.alert();
        if (alert == null) {
            return;
        }
        byte[] body = p.body();
        List<SubscriptionMatcher> targets = new ArrayList<>();
        for (SubscriptionMatcher m : view.registry().matching(alert)) {
            String url = m.subscription().getDelivery().getWebhookUrl();
            if (url != null && !url.isBlank()) {
                targets.add(m);
            }
        }
        if (targets.isEmpty()) {
            return;
        }
        OffsetTracker.Ticket ticket = tracker.open(tp, r.offset(), targets.size());
        for (SubscriptionMatcher m : targets) {
            lanes.submit(m.subscriberId(), new Job(ticket, r, m.subscriberId(), alert.getAlertId(), alert.getModel(),
                    body));
        }
    }

    /** Turns an alert into the webhook's body (its JSON). */
    @FunctionalInterface
    interface Renderer {
        byte[] render(Alert alert) throws IOException;
    }

    /** A record decoded and rendered (alert and body), or its dead letter; all null for a tombstone. */
    record Prepared(Alert alert, byte[] body, DeadLetter deadLetter) {
    }

    /**
     * Decodes and renders one alert record. The two failures get different dead-letter reasons because they call for
     * different fixes: bytes that are no alert are bad input ({@code DESERIALIZATION}); an alert that decodes but
     * cannot be rendered is one this instance cannot deliver ({@code DELIVERY_FAILED}, with its model), to replay
     * once the detector is fixed.
     */
    static Prepared prepare(ConsumerRecord<byte[], byte[]> r, AvroSerde<Alert> serde, Renderer renderer,
                            Instant now) {
        Alert alert;
        try {
            alert = serde.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn("Undecodable alert at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
            return new Prepared(null, null, DeliveryDeadLetters.undecodable(r, e, now));
        }
        if (alert == null) {
            return new Prepared(null, null, null);
        }
        try {
            return new Prepared(alert, renderer.render(alert), null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Alert {} at {}-{}@{} cannot be rendered for webhooks: {}", alert.getAlertId(), r.topic(),
                    r.partition(), r.offset(), e.toString());
            return new Prepared(alert, null, DeliveryDeadLetters.unrenderable(r, alert, e, now));
        }
    }

    /** On the subscriber's lane thread: deliver with bounded retries, then close the job's part of the ticket. */
    private void deliver(Job job) throws InterruptedException {
        if (job.ticket().revoked()) {
            return; // the partition moved to another member, which redelivers from the committed offset
        }
        SubscriptionMatcher m = view.registry().get(job.subscriberId());
        AlertSubscription s = m == null ? null : m.subscription();
        String url = s == null ? null : s.getDelivery().getWebhookUrl();
        if (s == null || !s.getEnabled() || url == null || url.isBlank()) {
            LOG.debug("Alert {} not delivered to {}: subscription deleted, paused or without webhook meanwhile",
                    job.alertId(), job.subscriberId());
            job.ticket().done();
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>(s.getDelivery().getWebhookHeaders());
        headers.put(SUBSCRIBER_HEADER, job.subscriberId());
        headers.put(ALERT_ID_HEADER, job.alertId());
        TraceHeaders.addTo(job.record().headers(), headers);
        DeliveryOutcome o = deliverer.deliver(job.subscriberId(), url, headers, job.body(), s.getSigningSecret());
        metrics.outcome(o);
        switch (o.status()) {
            case DELIVERED -> job.ticket().done();
            case FAILED -> {
                LOG.warn("Alert {} not delivered to {} ({}) after {} attempts: {}", job.alertId(), o.subscriberId(),
                        o.url(), o.attempts(), o.lastResult());
                deadLetters.write(job.record(), DeliveryDeadLetters.deliveryFailed(job.record(), o, job.model(),
                        Instant.now()), "DELIVERY_FAILED", job.ticket()::done);
            }
            case ABORTED -> throw new InterruptedException("webhook delivery shutting down");
        }
    }

    /** On the poll thread: the subscriber's queue is full — dead-letter the alert for it without an attempt. */
    private void overflow(String subscriberId, Job job, int queued) {
        if (!running) {
            return; // closing: not handled, so not committed; redelivered after restart
        }
        metrics.overflow(subscriberId);
        LOG.warn("Alert {} for {} dead-lettered: {} alerts already queued for this subscriber", job.alertId(),
                subscriberId, queued);
        deadLetters.write(job.record(), DeliveryDeadLetters.queueFull(job.record(), subscriberId, queued,
                job.model(), Instant.now()), "DELIVERY_FAILED", job.ticket()::done);
    }

    @PreDestroy
    void close() throws InterruptedException {
        running = false;
        lanes.shutdown();  // interrupts the lanes: what fails from now on is aborted, not dead-lettered
        transport.close(); // aborts calls in flight (blocking socket I/O ignores interrupts)
        if (!lanes.awaitTermination(5_000)) {
            LOG.warn("Webhook lanes still busy after 5 s");
        }
        loop.close();
        LOG.info("Webhook delivery stopped");
    }
}
