package io.normalcy.detector.subscription;

import io.normalcy.detector.config.DetectorConfiguration;
import io.normalcy.detector.config.DetectorTopics;
import io.normalcy.schemas.topics.TopicAdmin;
import io.normalcy.schemas.topics.TopicDescriptor;
import io.normalcy.schemas.topics.TopicNames;
import io.normalcy.schemas.topics.Topics;
import io.normalcy.security.ApiError;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The topics of the subscriptions side. At start-up, when {@code normalcy.detector.ensure-topics} is on: the
 * compacted subscriptions topic (the API's source of truth, needed before the Streams app may have provisioned it).
 * For each subscription written through the API: its delivery topic must exist — checked here, because the
 * topology can only write to it and a missing topic would fail the stream's transaction — unless its name starts
 * with the configured prefix ({@link SubscriptionConfiguration}) and creation is on, in which case it is created
 * with the alerts topic's settings.
 */
public final class SubscriptionTopics {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Properties clientProps;
    private final Topics topics;
    private final boolean ensureTopics;
    private final String prefix;
    private final boolean createUnderPrefix;

    public SubscriptionTopics(Properties clientProps, DetectorConfiguration config) {
        this(clientProps, config, new SubscriptionConfiguration(null, null));
    }

    public SubscriptionTopics(Properties clientProps, DetectorConfiguration config, SubscriptionConfiguration subs) {
        this.clientProps = clientProps;
        DetectorTopics t = config.detectorTopics();
        TopicNames names = new TopicNames(t.inputs().get(0), t.scores(), t.alerts(), t.models(), t.retrain(),
                t.subscriptions(), t.dlq(), t.parking(), TopicNames.defaults().trainingStatus());
        this.topics = new Topics(names, config.topicPartitions(), (short) config.replicationFactor());
        this.ensureTopics = config.ensureTopics();
        this.prefix = subs.prefix(t.alerts());
        this.createUnderPrefix = subs.create(config.ensureTopics());
    }

    /**
     * Topic names no subscription may deliver to: every topic of this detector, Normalcy's default names (e.g.
     * {@code normalcy.training-status}, which the detector does not use but the trainer does) and, when the
     * configured names share a prefix ({@code it.subscriptions} → {@code it.}), every Normalcy name under it.
     */
    public static Set<String> reserved(DetectorTopics t) {
        Set<String> s = new LinkedHashSet<>(t.inputs());
        s.addAll(List.of(t.scores(), t.alerts(), t.models(), t.retrain(), t.subscriptions(), t.dlq(), t.parking()));
        s.addAll(TopicNames.defaults().all());
        String subs = t.subscriptions();
        if (subs.endsWith("subscriptions") && subs.length() > "subscriptions".length()) {
            s.addAll(TopicNames.withPrefix(subs.substring(0, subs.length() - "subscriptions".length())).all());
        }
        return s;
    }

    /** Names the detector may create for subscriptions. */
    public String prefix() {
        return prefix;
    }

    public TopicAdmin.Report ensureSubscriptionsTopic() {
        if (!ensureTopics) {
            return new TopicAdmin.Report(List.of(), List.of(), List.of());
        }
        Admin admin = Admin.create(clientProps);
        try {
            return TopicAdmin.ensureTopics(admin, List.of(topics.subscriptions()));
        } finally {
            close(admin);
        }
    }

    /**
     * Makes sure a subscription's delivery topic exists: it does, or it is created under the prefix.
     *
     * @throws InvalidSubscriptionException naming {@code delivery.kafkaTopic} when it is missing and may not be
     *                                      created, or the cluster refuses to create it
     * @throws KafkaException               the cluster cannot be reached (→ 503)
     */
    public void ensureDeliveryTopic(String name) {
        Admin admin = Admin.create(clientProps);
        try {
            if (exists(admin, name)) {
                return;
            }
            if (!createUnderPrefix || !name.startsWith(prefix)) {
                throw invalid("delivery.kafkaTopic '" + name + "' does not exist; create it first"
                        + (createUnderPrefix ? ", or use a name starting with '" + prefix + "', which the detector"
                        + " creates (" + SubscriptionConfiguration.P + "topic-prefix)"
                        : " (the detector creates no subscription topics: " + SubscriptionConfiguration.P
                        + "create-topics is off)"));
            }
            TopicDescriptor<?, ?> a = topics.alerts();
            try {
                TopicAdmin.ensureTopics(admin, List.of(new TopicDescriptor<>(name, a.keySerde(), a.valueSerde(),
                        a.partitions(), a.replicationFactor(), a.configs())), TIMEOUT);
            } catch (KafkaException e) {
                Throwable c = e.getCause();
                if (c instanceof TopicAuthorizationException || c instanceof PolicyViolationException
                        || c instanceof InvalidReplicationFactorException) {
                    throw invalid("delivery.kafkaTopic '" + name + "' does not exist and the cluster refused to"
                            + " create it: " + c.getMessage());
                }
                throw e;
            }
        } finally {
            close(admin);
        }
    }

    private static boolean exists(Admin admin, String name) {
        try {
            admin.describeTopics(List.of(name)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false;
            }
            if (e.getCause() instanceof TopicAuthorizationException) {
                throw invalid("delivery.kafkaTopic '" + name + "' cannot be used: the detector is not authorized"
                        + " to describe it");
            }
            throw new KafkaException("cannot check topic " + name + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("timed out checking topic " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while checking topic " + name, e);
        }
    }

    private static InvalidSubscriptionException invalid(String message) {
        return new InvalidSubscriptionException(List.of(new ApiError.FieldError("delivery.kafkaTopic", message)));
    }

    private static void close(Admin admin) {
        admin.close(Duration.ofSeconds(2)); // bounded: a shutdown must not wait for unreachable brokers
    }
}
