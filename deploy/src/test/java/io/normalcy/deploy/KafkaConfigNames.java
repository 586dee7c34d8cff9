package io.normalcy.deploy;

import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The setting names the Kafka clients (3.9) know: a {@code kafka.*} key outside them reaches nobody. */
final class KafkaConfigNames {
    private KafkaConfigNames() {
    }

    /** Producer, consumer, admin and Streams settings (the services pass kafka.* to all of them). */
    static Set<String> clients() {
        Set<String> s = new TreeSet<>(ProducerConfig.configNames());
        s.addAll(ConsumerConfig.configNames());
        s.addAll(AdminClientConfig.configNames());
        s.addAll(streams());
        return s;
    }

    static Set<String> streams() {
        return new TreeSet<>(StreamsConfig.configDef().names());
    }
}
