package io.normalcy.detector.subscription;

import io.normalcy.avro.AlertSubscription;
import io.normalcy.avro.Severity;
import io.normalcy.avro.SubscriptionDelivery;
import io.normalcy.avro.SubscriptionFilter;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * Turns a {@link SubscriptionBody} into the Avro {@link AlertSubscription} written to the compacted topic, or
 * rejects it naming every offending field. Validating at the API is the only line of defence that can answer the
 * caller: once on the topic, a bad subscription is merely ignored by the router (see SubscriptionStoreProcessor).
 * Checks: id charset (it is a record key and URL segment), severity name, the entity regex compiles, at least one
 * delivery target, a legal Kafka topic name that is not one of the detector's own topics (copying alerts into
 * e.g. the alerts topic would loop), an absolute http(s) URL, header names that are HTTP tokens and not managed by
 * the HTTP client, header values without line breaks.
 */
public final class SubscriptionValidator {
    static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+\\-.^_`|~0-9A-Za-z]+");
    private static final Set<String> MANAGED_HEADERS = Set.of("connection", "content-length", "content-type",
            "expect", "host", "upgrade", "transfer-encoding", "te", "trailer", "keep-alive");

    private final Set<String> reservedTopics;

    /** @param reservedTopics topics a subscription may not deliver to (the detector's own) */
    public SubscriptionValidator(Set<String> reservedTopics) {
        this.reservedTopics = Set.copyOf(reservedTopics);
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
        if (!errors.isEmpty()) {
            throw new InvalidSubscriptionException(errors);
        }
        return AlertSubscription.newBuilder().setSubscriberId(id).setFilter(filter).setDelivery(delivery)
                .setEnabled(body.enabled() == null || body.enabled())
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
            try {
                Pattern.compile(f.entityPattern());
                b.setEntityPattern(f.entityPattern());
            } catch (PatternSyntaxException e) {
                err(errors, "filter.entityPattern", "filter.entityPattern is not a valid regular expression: "
                        + e.getDescription() + " near index " + e.getIndex());
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
            try {
                Topic.validate(topic);
                if (reservedTopics.contains(topic) || Topic.isInternal(topic) || topic.startsWith("__")) {
                    err(errors, "delivery.kafkaTopic", "delivery.kafkaTopic '" + topic
                            + "' is reserved (a detector or Kafka internal topic)");
                }
            } catch (InvalidTopicException e) {
                err(errors, "delivery.kafkaTopic", "delivery.kafkaTopic is not a valid topic name: " + e.getMessage());
            }
            b.setKafkaTopic(topic);
        }
        if (url != null) {
            String problem = urlProblem(url);
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
                } else if (MANAGED_HEADERS.contains(k.toLowerCase(Locale.ROOT))) {
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

    /** null when {@code url} is an absolute http(s) URL with a host, else why not. */
    static String urlProblem(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            return "is not a valid URL: " + e.getMessage();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "must use http or https, got '" + url + "'";
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return "has no host: '" + url + "'";
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
