package io.normalcy.detector.subscription;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.delivery.DeliveryConfiguration;
import io.normalcy.detector.delivery.WebhookGuard;
import io.normalcy.detector.delivery.WebhookSignature;

import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Subscription management behind {@code /subscriptions}: validate ({@link SubscriptionValidator}), make sure the
 * delivery topic exists ({@link SubscriptionTopics}), give a webhook its signing secret, write to the compacted
 * topic, wait until the local {@link SubscriptionView} shows the write. The topic is the only state, so any
 * instance can serve any request and every instance converges on the same set.
 *
 * <p>Signing secrets: a subscription with a webhook always has one. A caller-supplied {@code signingSecret}
 * replaces the stored one; otherwise a replaced subscription keeps its secret, and one without a secret yet gets a
 * generated one, which is returned in that one response ({@link Upsert#issuedSecret()}) and never again.
 */
@Singleton
public class SubscriptionService {
    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionService.class);

    /**
     * A stored subscription, whether this request created it (vs. replaced one), and the signing secret the
     * detector generated for it in this request (null when none was generated).
     */
    public record Upsert(AlertSubscription subscription, boolean created, String issuedSecret) {
    }

    private final SubscriptionView view;
    private final SubscriptionWriter writer;
    private final SubscriptionValidator validator;
    private final SubscriptionTopics topics;
    private final Duration syncTimeout;
    private final Clock clock = Clock.systemUTC();

    SubscriptionService(SubscriptionView view, SubscriptionWriter writer, DetectorConfiguration config,
                        DeliveryConfiguration delivery, SubscriptionConfiguration subscriptions, WebhookGuard guard,
                        @Named("kafkaClientProperties") Properties clientProps) {
        this.view = view;
        this.writer = writer;
        this.validator = new SubscriptionValidator(SubscriptionTopics.reserved(config.detectorTopics()),
                List.of(config.applicationId() + "-"), guard);
        this.topics = new SubscriptionTopics(clientProps, config, subscriptions);
        this.syncTimeout = delivery.subscriptionsSyncTimeout();
    }

    /** @throws InvalidSubscriptionException on bad input */
    public Upsert upsert(SubscriptionBody body) throws InterruptedException {
        awaitView();
        Instant now = clock.instant();
        AlertSubscription existing = body == null || body.subscriberId() == null ? null : view.get(body.subscriberId());
        AlertSubscription s = validator.toSubscription(body, existing == null ? now : existing.getCreatedAt(), now);
        String topic = s.getDelivery().getKafkaTopic();
        if (topic != null) {
            topics.ensureDeliveryTopic(topic);
        }
        String issued = null;
        if (s.getSigningSecret() == null && s.getDelivery().getWebhookUrl() != null) {
            if (existing != null && existing.getSigningSecret() != null) {
                s.setSigningSecret(existing.getSigningSecret());
            } else {
                issued = WebhookSignature.newSecret();
                s.setSigningSecret(issued);
            }
        }
        RecordMetadata md = writer.write(s);
        sync(md);
        LOG.info("Subscription {} {} (enabled={}, topic={}, webhook={}{})", s.getSubscriberId(),
                existing == null ? "created" : "updated", s.getEnabled(), topic, s.getDelivery().getWebhookUrl(),
                issued != null ? ", signing secret issued" : "");
        return new Upsert(s, existing == null, issued);
    }

    public Optional<AlertSubscription> get(String subscriberId) throws InterruptedException {
        awaitView();
        return Optional.ofNullable(view.get(subscriberId));
    }

    public List<AlertSubscription> list() throws InterruptedException {
        awaitView();
        return view.all();
    }

    /** @return false when no such subscription exists */
    public boolean delete(String subscriberId) throws InterruptedException {
        awaitView();
        if (view.get(subscriberId) == null) {
            return false;
        }
        sync(writer.tombstone(subscriberId));
        LOG.info("Subscription {} deleted", subscriberId);
        return true;
    }

    private void awaitView() throws InterruptedException {
        if (!view.awaitReady(syncTimeout)) {
            throw new ViewUnavailableException("subscriptions view is still loading " + view.topic()
                    + " (Kafka unreachable?)");
        }
    }

    private void sync(RecordMetadata md) throws InterruptedException {
        if (!view.awaitApplied(md.partition(), md.offset(), syncTimeout)) {
            LOG.warn("Subscription write {}-{}@{} not yet visible locally after {}", md.topic(), md.partition(),
                    md.offset(), syncTimeout);
        }
    }

    /** The local view has not caught up with the topic yet (→ 503). */
    public static final class ViewUnavailableException extends RuntimeException {
        public ViewUnavailableException(String message) {
            super(message);
        }
    }
}
