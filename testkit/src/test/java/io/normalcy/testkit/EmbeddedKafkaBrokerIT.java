package io.normalcy.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exercises the in-JVM KRaft broker end to end: topics, idempotent and transactional produce, large records, stop. */
class EmbeddedKafkaBrokerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @Test
    void producesConsumesTransactsAndCleansUp() throws Exception {
        Path logDir;
        String bootstrap;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
            bootstrap = broker.bootstrapServers();
            logDir = broker.logDir();
            assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);
            assertTrue(Files.isDirectory(logDir), "log dir exists while running");

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("it.records", 3, (short) 1), new NewTopic("it.tx", 1, (short) 1),
                        new NewTopic("it.large", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("it.records"));
            }

            idempotentRoundTrip(bootstrap);
            transactionsHideAbortedRecords(bootstrap);
            largeRecordRoundTrip(bootstrap);
        }
        assertFalse(Files.exists(logDir), "log dir deleted on close");
        int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            }
        }, "broker port closed after close()");
    }

    @Test
    void closeIsIdempotent() {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerOptions.defaults().withAutoCreateTopics(true));
        broker.close();
        broker.close();
        assertFalse(Files.exists(broker.logDir()));
    }

    @Test
    void aPersistentBrokerComesBackWithItsRecordsOnTheSameAddress(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("kafka");
        int brokerPort = freePort();
        int controllerPort = freePort();
        while (controllerPort == brokerPort) {
            controllerPort = freePort();
        }
        String bootstrap;
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.startPersistent(BrokerOptions.defaults(), logDir,
                brokerPort, controllerPort)) {
            bootstrap = first.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("it.kept", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(bootstrap))) {
                producer.send(new ProducerRecord<>("it.kept", "k", "survives a restart")).get(30, TimeUnit.SECONDS);
            }
        }
        assertTrue(Files.exists(logDir.resolve("meta.properties")), "a persistent broker keeps its directory");
        try (EmbeddedKafkaBroker second = EmbeddedKafkaBroker.startPersistent(BrokerOptions.defaults(), logDir,
                brokerPort, controllerPort)) {
            assertEquals(bootstrap, second.bootstrapServers());
            assertEquals(List.of("survives a restart"), values(readAll(bootstrap, "it.kept", 1, "read_committed")));
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void twoBrokersRunSideBySide() throws Exception {
        try (EmbeddedKafkaBroker a = EmbeddedKafkaBroker.start(); EmbeddedKafkaBroker b = EmbeddedKafkaBroker.start()) {
            assertFalse(a.bootstrapServers().equals(b.bootstrapServers()));
            assertFalse(a.logDir().equals(b.logDir()));
            for (KafkaBroker broker : List.of(a, b)) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                    String clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
                    assertEquals(1, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size(), clusterId);
                }
            }
        }
    }

    private static void idempotentRoundTrip(String bootstrap) throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        Properties p = producerProps(bootstrap);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                String key = "key-" + i;
                String value = "value-" + (i * 7919 % 1000) + "-" + i;
                expected.put(key, value);
                sent.add(producer.send(new ProducerRecord<>("it.records", key, value)));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        }
        List<ConsumerRecord<String, String>> records = readAll(bootstrap, "it.records", 3, "read_uncommitted");
        assertEquals(1000, records.size(), "record count");
        Map<String, String> actual = new HashMap<>();
        for (ConsumerRecord<String, String> r : records) {
            assertEquals(null, actual.put(r.key(), r.value()), "duplicate key " + r.key());
        }
        assertEquals(expected, actual);
    }

    private static void transactionsHideAbortedRecords(String bootstrap) throws Exception {
        Properties p = producerProps(bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-tx-producer");
        List<String> committed = new ArrayList<>();
        List<String> all = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            for (String batch : List.of("commit-a", "abort-b", "commit-c")) {
                producer.beginTransaction();
                for (int i = 0; i < 5; i++) {
                    String v = batch + "-" + i;
                    producer.send(new ProducerRecord<>("it.tx", "k", v));
                    all.add(v);
                    if (batch.startsWith("commit")) {
                        committed.add(v);
                    }
                }
                if (batch.startsWith("commit")) {
                    producer.commitTransaction();
                } else {
                    producer.flush();
                    producer.abortTransaction();
                }
            }
        }
        assertEquals(committed, values(readAll(bootstrap, "it.tx", 1, "read_committed")), "read_committed view");
        // the aborted records were really written: an uncommitted reader sees them, so the filter above is real
        assertEquals(all, values(readAll(bootstrap, "it.tx", 1, "read_uncommitted")), "read_uncommitted view");
    }

    private static void largeRecordRoundTrip(String bootstrap) throws Exception {
        byte[] payload = new byte[3 * 1024 * 1024]; // > Kafka's 1 MiB default, < the 16 MiB configured
        new Random(42).nextBytes(payload);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(BrokerOptions.DEFAULT_MESSAGE_MAX_BYTES));
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("it.large", payload)).get(30, TimeUnit.SECONDS);
        }
        Properties c = consumerProps(bootstrap, "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("it.large", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            byte[] got = null;
            while (got == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    got = r.value();
                }
            }
            assertArrayEquals(payload, got, "3 MiB record round trip");
        }
    }

    /** Reads every partition from the beginning up to its end offset (the LSO for read_committed). */
    private static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int partitions,
                                                                String isolation) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(bootstrap, isolation),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                tps.add(new TopicPartition(topic, i));
            }
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> end = consumer.endOffsets(tps, TIMEOUT);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out reading " + topic + " up to " + end + "; got " + out.size());
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            out.sort((a, b) -> a.partition() != b.partition()
                    ? Integer.compare(a.partition(), b.partition()) : Long.compare(a.offset(), b.offset()));
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap, String isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }
}
