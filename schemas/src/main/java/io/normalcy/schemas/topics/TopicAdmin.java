package io.normalcy.schemas.topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent topic provisioning: every service calls {@link #ensureTopics} at start-up, so a fresh
 * cluster works without manual steps and concurrent starts do not fail each other. Existing topics are
 * never altered (an operator may have tuned them on purpose); configs or partition counts that differ
 * from the descriptor are reported as warnings, since e.g. a models topic that is not compacted loses
 * models to retention.
 */
public final class TopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    /** Default time limit of each admin round trip. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private TopicAdmin() {
    }

    /**
     * Outcome of {@link #ensureTopics}.
     *
     * @param created    topics created by this call
     * @param existing   topics that already existed (including ones created concurrently by others)
     * @param mismatches human-readable differences between existing topics and their descriptors
     */
    public record Report(List<String> created, List<String> existing, List<String> mismatches) {
        public Report {
            created = List.copyOf(created);
            existing = List.copyOf(existing);
            mismatches = List.copyOf(mismatches);
        }
    }

    /** {@link #ensureTopics(Admin, Collection, Duration)} with {@link #DEFAULT_TIMEOUT}. */
    public static Report ensureTopics(Admin admin, Collection<? extends TopicDescriptor<?, ?>> topics) {
        return ensureTopics(admin, topics, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the missing topics; tolerates topics that exist or appear concurrently; logs a WARN for
     * each existing topic whose cleanup policy, other descriptor config or partition count differs.
     *
     * @throws KafkaException when the cluster cannot be reached or refuses a creation (naming the topic)
     */
    public static Report ensureTopics(Admin admin, Collection<? extends TopicDescriptor<?, ?>> topics, Duration timeout) {
        Map<String, TopicDescriptor<?, ?>> wanted = new LinkedHashMap<>();
        for (TopicDescriptor<?, ?> t : topics) {
            if (wanted.put(t.name(), t) != null) {
                throw new IllegalArgumentException("Topic listed twice: " + t.name());
            }
        }
        Set<String> present = await(admin.listTopics().names(), "list topics", timeout);
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        List<TopicDescriptor<?, ?>> toCreate = wanted.values().stream().filter(t -> !present.contains(t.name())).toList();
        wanted.keySet().stream().filter(present::contains).forEach(existing::add);
        if (!toCreate.isEmpty()) {
            Map<String, KafkaFuture<Void>> results = admin.createTopics(
                    toCreate.stream().map(TopicDescriptor::newTopic).toList()).values();
            for (TopicDescriptor<?, ?> t : toCreate) {
                try {
                    await(results.get(t.name()), "create topic " + t.name(), timeout);
                    created.add(t.name());
                    LOG.info("Created topic {} (partitions={}, replication={}, configs={})",
                            t.name(), t.partitions(), t.replicationFactor(), t.configs());
                } catch (KafkaException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    existing.add(t.name());
                }
            }
        }
        if (!created.isEmpty()) {
            // Creation is acknowledged by the controller before the brokers' metadata has the topic: a client that
            // starts right after (a Kafka Streams global store asking for the models topic's partitions) could
            // still find none. Return only once the new topics are described.
            awaitKnown(() -> admin.describeTopics(created).allTopicNames(), "describe created topics", timeout);
        }
        List<String> mismatches = existing.isEmpty() ? List.of() : compare(admin, wanted, existing, timeout);
        mismatches.forEach(m -> LOG.warn("{}", m));
        return new Report(created, existing, mismatches);
    }

    private static List<String> compare(Admin admin, Map<String, TopicDescriptor<?, ?>> wanted, List<String> names,
                                        Duration timeout) {
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        // A topic created a moment ago (by us or a concurrent caller) may not have reached every broker's
        // metadata yet: retry "unknown topic" until the timeout.
        Map<ConfigResource, Config> configs = awaitKnown(() -> admin.describeConfigs(resources).all(),
                "describe topic configs", timeout);
        Map<String, TopicDescription> descriptions = awaitKnown(() -> admin.describeTopics(names).allTopicNames(),
                "describe topics", timeout);
        List<String> out = new ArrayList<>();
        for (String name : names) {
            TopicDescriptor<?, ?> want = wanted.get(name);
            Config have = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            for (Map.Entry<String, String> e : want.configs().entrySet()) {
                ConfigEntry entry = have == null ? null : have.get(e.getKey());
                String actual = entry == null ? null : entry.value();
                if (!same(e.getKey(), e.getValue(), actual)) {
                    out.add("Existing topic " + name + " has " + e.getKey() + "=" + actual + " but Normalcy expects "
                            + e.getValue() + (e.getKey().equals(TopicConfig.CLEANUP_POLICY_CONFIG)
                            ? " (fix it with kafka-configs --alter; the topic was left unchanged)" : ""));
                }
            }
            TopicDescription d = descriptions.get(name);
            if (d != null && want.partitions() != TopicDescriptor.BROKER_DEFAULT && d.partitions().size() != want.partitions()) {
                out.add("Existing topic " + name + " has " + d.partitions().size() + " partitions, descriptor says "
                        + want.partitions());
            }
        }
        return out;
    }

    private static boolean same(String key, String expected, String actual) {
        if (actual == null) {
            return false;
        }
        if (key.equals(TopicConfig.CLEANUP_POLICY_CONFIG)) {
            return policies(expected).equals(policies(actual));
        }
        return expected.trim().equals(actual.trim());
    }

    private static Set<String> policies(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(HashSet::new));
    }

    private static <T> T awaitKnown(Supplier<KafkaFuture<T>> call, String what, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long backoffMs = 50;
        while (true) {
            try {
                return await(call.get(), what, timeout);
            } catch (KafkaException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() + backoffMs * 1_000_000 > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new InterruptException("Interrupted while trying to " + what, ie);
            }
            backoffMs = Math.min(1000, backoffMs * 2);
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException("Interrupted while trying to " + what, e);
        } catch (ExecutionException e) {
            throw new KafkaException("Failed to " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new KafkaException("Timed out after " + timeout + " trying to " + what, e);
        }
    }
}
