package io.normalcy.detector.subscription;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;
import io.normalcy.detector.delivery.WebhookGuard;
import io.normalcy.detector.delivery.WebhookSignature;
import io.normalcy.detector.routing.SubscriptionMatcher;
import io.normalcy.security.ApiError;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * Turns a {@link SubscriptionBody} into the Avro {@link AlertSubscription} written to the compacted topic, or
 * rejects it naming every offending field. Validating at the API is the only line of defence that can answer the
 * caller: once on the topic, a bad subscription is merely ignored by the router (see SubscriptionStoreProcessor).
 * Checks: id charset (it is a record key and URL segment), severity name, the entity pattern is valid RE2 (the
 * engine the router uses: linear time, so no subscriber can stall the stream thread) and not overly long, at
 * least one delivery target, a legal Kafka topic name that is neither one of Normalcy's own topics (copying
 * alerts into e.g. the alerts topic would loop; into the training-status topic would forge statuses) nor a Kafka
 * or Kafka Streams internal one, a webhook URL the {@link WebhookGuard} accepts (http(s), public address unless
 * allow-listed), header names that are HTTP tokens and not managed by the HTTP client or the detector
 * ({@code X-Normalcy-*}), header values without line breaks, a signing secret of sane length and charset.
 * Whether the topic exists is checked afterwards against the cluster ({@link SubscriptionTopics}).
 */
public final class SubscriptionValidator {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    static final int MAX_PATTERN_LENGTH = 1000;
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Pattern SECRET = Pattern.compile("[\\x21-\\x7E]{" + WebhookSignature.MIN_SECRET_LENGTH + ","
            + WebhookSignature.MAX_SECRET_LENGTH + "}");
    private static final Set<String> MANAGED_HEADERS = Set.of("connection", "content-length", "content-type",
            "expect", "host", "upgrade", "transfer-encoding", "te", "trailer", "keep-alive");
    private static final String DETECTOR_HEADERS = "x-normalcy-";

    private final Set<String> reservedTopics;
    private final List<String> reservedPrefixes;
    private final WebhookGuard guard;

    /**
     * Filter and shape checks only: no reserved topic prefixes, webhook URLs checked without DNS (for the SSE
     * filter, whose placeholder webhook is never called).
     *
     * @param reservedTopics topics a subscription may not deliver to
     */
    public SubscriptionValidator(Set<String> reservedTopics) {
        this(reservedTopics, List.of(), WebhookGuard.offline());
    }

    /**
     * @param reservedTopics   topics a subscription may not deliver to (Normalcy's own)
     * @param reservedPrefixes topic name prefixes a subscription may not deliver to (the Streams application's
     *                         internal topics: {@code <application-id>-})
     * @param guard            webhook SSRF rules
     */
    public SubscriptionValidator(Set<String> reservedTopics, List<String> reservedPrefixes, WebhookGuard guard) {
        this.reservedTopics = Set.copyOf(reservedTopics);
        this.reservedPrefixes = List.copyOf(reservedPrefixes);
        this.guard = guard;
    }

    /** @throws InvalidSubscriptionException listing every invalid field */
    public AlertSubscription toSubscription(SubscriptionBody body, Instant createdAt, Instant updatedAt) {
        List<ApiError.FieldError> errors = new ArrayList<>();
        if (body == null) {
            throw new InvalidSubscriptionException(List.of(new ApiError.FieldError("body", "request body is missing")));
        }
        String id = body.subscriberId();
        if (id == null || id.isBlank()) {
            err(errors, "subscriberId", "subscriberId is required");
        } else if (!ID.matcher(id).matches()) {
            err(errors, "subscriberId", "subscriberId '" + id + "' must be 1-249 characters of [A-Za-z0-9._-]");
        }
        SubscriptionFilter filter = filter(body.filter(), errors);
        SubscriptionDelivery delivery = delivery(body.delivery(), errors);
        if (body.signingSecret() != null && !SECRET.matcher(body.signingSecret()).matches()) {
            err(errors, "signingSecret", "signingSecret must be " + WebhookSignature.MIN_SECRET_LENGTH + "-"
                    + WebhookSignature.MAX_SECRET_LENGTH + " printable ASCII characters without spaces");
        }
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        return AlertSubscription.newBuilder().setSubscriberId(id).setFilter(filter).setDelivery(delivery)
                .setEnabled(body.enabled() == null || body.enabled()).setSigningSecret(body.signingSecret())
                .setCreatedAt(createdAt).setUpdatedAt(updatedAt).build();
    }

    private SubscriptionFilter filter(SubscriptionBody.Filter f, List<ApiError.FieldError> errors) {
        SubscriptionFilter.Builder b = SubscriptionFilter.newBuilder();
        if (f == null) {
            return b.build();
        }
        List<String> models = new ArrayList<>();
        if (f.models() != null) {
            for (int i = 0; i < f.models().size(); i++) {
                String m = f.models().get(i);
                if (m == null || m.isBlank()) {
                    err(errors, "filter.models[" + i + "]", "filter.models[" + i + "] must not be blank");
                } else {
                    models.add(m);
                }
            }
        }
        b.setModels(models);
        if (f.minSeverity() != null) {
            try {
                b.setMinSeverity(Severity.valueOf(f.minSeverity().trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                err(errors, "filter.minSeverity", "filter.minSeverity must be NORMAL, WARNING or CRITICAL, got '"
                        + f.minSeverity() + "'");
            }
        }
        if (f.entityPattern() != null) {
            String problem = f.entityPattern().length() > MAX_PATTERN_LENGTH
                    ? "is longer than " + MAX_PATTERN_LENGTH + " characters"
                    : SubscriptionMatcher.entityPatternProblem(f.entityPattern());
            if (problem != null) {
                err(errors, "filter.entityPattern", "filter.entityPattern " + problem);
            } else {
                b.setEntityPattern(f.entityPattern());
            }
        }
        Map<String, String> ctx = new LinkedHashMap<>();
        if (f.contextMatch() != null) {
            f.contextMatch().forEach((k, v) -> {
                if (k == null || k.isBlank() || v == null) {
                    err(errors, "filter.contextMatch", "filter.contextMatch entries need a non-blank key and a value"
                            + " (key '" + k + "')");
                } else {
                    ctx.put(k, v);
                }
            });
        }
        return b.setContextMatch(ctx).build();
    }

    private SubscriptionDelivery delivery(SubscriptionBody.Delivery d, List<ApiError.FieldError> errors) {
        SubscriptionDelivery.Builder b = SubscriptionDelivery.newBuilder();
        String topic = d == null ? null : blankToNull(d.kafkaTopic());
        String url = d == null ? null : blankToNull(d.webhookUrl());
        if (topic == null && url == null) {
            err(errors, "delivery", "delivery needs at least one target: delivery.kafkaTopic or delivery.webhookUrl");
            return b.build();
        }
        if (topic != null) {
            String problem = topicProblem(topic);
            if (problem != null) {
                err(errors, "delivery.kafkaTopic", "delivery.kafkaTopic " + problem);
            }
            b.setKafkaTopic(topic);
        }
        if (url != null) {
            String problem = guard.problem(url);
            if (problem != null) {
                err(errors, "delivery.webhookUrl", "delivery.webhookUrl " + problem);
            }
            b.setWebhookUrl(url);
        }
        Map<String, String> headers = new LinkedHashMap<>();
        if (d.webhookHeaders() != null) {
            if (url == null && !d.webhookHeaders().isEmpty()) {
                err(errors, "delivery.webhookHeaders", "delivery.webhookHeaders given without delivery.webhookUrl");
            }
            d.webhookHeaders().forEach((k, v) -> {
                String field = "delivery.webhookHeaders." + k;
                if (k == null || !TOKEN.matcher(k).matches()) {
                    err(errors, field, "delivery.webhookHeaders: '" + k + "' is not a valid HTTP header name");
                } else if (MANAGED_HEADERS.contains(k.toLowerCase(Locale.ROOT))
                        || k.toLowerCase(Locale.ROOT).startsWith(DETECTOR_HEADERS)) {
                    err(errors, field, "delivery.webhookHeaders: '" + k + "' is set by the detector and cannot"
                            + " be overridden");
                } else if (v == null || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
                    err(errors, field, "delivery.webhookHeaders." + k + " must be a single-line value");
                } else {
                    headers.put(k, v);
                }
            });
        }
        return b.setWebhookHeaders(headers).build();
    }

    /** null when {@code topic} may receive alerts (as far as its name tells), else why not. */
    String topicProblem(String topic) {
        try {
            Topic.validate(topic);
        } catch (InvalidTopicException e) {
            return "is not a valid topic name: " + e.getMessage();
        }
        if (reservedTopics.contains(topic)) {
            return "'" + topic + "' is reserved: one of Normalcy's own topics";
        }
        if (Topic.isInternal(topic) || topic.startsWith("_")) {
            return "'" + topic + "' is reserved: a Kafka internal topic (names starting with '_')";
        }
        for (String p : reservedPrefixes) {
            if (topic.startsWith(p)) {
                return "'" + topic + "' is reserved: an internal topic of the detector's Kafka Streams application"
                        + " (changelog/repartition topics start with '" + p + "')";
            }
        }
        return null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static void err(List<ApiError.FieldError> errors, String field, String message) {
        errors.add(new ApiError.FieldError(field, message));
    }
}
