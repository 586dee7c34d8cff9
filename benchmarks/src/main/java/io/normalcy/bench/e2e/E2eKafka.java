package io.normalcy.bench.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The harness's own Kafka clients (client ids {@code bench-*}, so {@link ThreadCpu} books their threads as
 * "harness") and the two measurements it takes from the broker: committed offsets of a Streams app and the
 * number of committed records in a topic. Every call is bounded by a timeout.
 */
final class E2eKafka {
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private E2eKafka() {
    }

    static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "bench-admin");
        return Admin.create(p);
    }

    /** Waits until every partition of {@code topics} has a leader (topics were just created). */
    static void awaitLeaders(Admin admin, Collection<String> topics) throws Exception {
        long deadline = System.nanoTime() + CALL_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> d = admin.describeTopics(topics).allTopicNames()
                        .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (d.values().stream().flatMap(t -> t.partitions().stream())
                        .allMatch(p -> p.leader() != null && p.leader().id() >= 0)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no leader for every partition of " + topics + " after " + CALL_TIMEOUT);
            }
            Thread.sleep(100);
        }
    }

    /** Deletes every topic whose name starts with one of {@code prefixes} (frees the broker's disk between runs). */
    static void deleteTopics(Admin admin, List<String> prefixes) throws Exception {
        List<String> doomed = admin.listTopics().names().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                .filter(t -> prefixes.stream().anyMatch(t::startsWith)).toList();
        if (!doomed.isEmpty()) {
            admin.deleteTopics(doomed).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** @param lingerMs 5 for bulk pre-filling, 0 for the paced latency producer */
    static KafkaProducer<String, byte[]> producer(String bootstrap, String clientId, int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024); // model records
        // One request in flight: a NOT_LEADER retry of the first batch to a just-created topic, with later batches
        // already appended, otherwise ends in an endless OUT_OF_ORDER_SEQUENCE_NUMBER loop (seen here).
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** A read_committed consumer without a group (assign/seek only). */
    static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
        List<TopicPartition> out = new ArrayList<>();
        c.partitionsFor(topic, CALL_TIMEOUT).forEach(pi -> out.add(new TopicPartition(topic, pi.partition())));
        return out;
    }

    /** Sum of the end offsets of {@code topic} (= record count for a topic written without transactions). */
    static long endOffsetSum(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = committedReader(bootstrap, "bench-reader-end")) {
            return c.endOffsets(partitions(c, topic), CALL_TIMEOUT).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Sum of the offsets {@code groupId} committed on {@code topic} (0 before the first commit). */
    static long committedSum(Admin admin, String groupId, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> m = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long sum = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : m.entrySet()) {
            if (e.getKey().topic().equals(topic) && e.getValue() != null) {
                sum += e.getValue().offset();
            }
        }
        return sum;
    }

    /** Committed records in {@code topic}, read from the start with read_committed up to the last stable offset. */
    static long countCommitted(String bootstrap, String topic, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> c = committedReader(bootstrap, "bench-reader-count")) {
            List<TopicPartition> tps = partitions(c, topic);
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, CALL_TIMEOUT); // LSO under read_committed
            long count = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp, CALL_TIMEOUT) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out after " + timeout + " counting " + topic);
                }
                count += c.poll(Duration.ofMillis(200)).count();
            }
            return count;
        }
    }
}
