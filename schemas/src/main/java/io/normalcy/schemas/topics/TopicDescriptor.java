package io.normalcy.schemas.topics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.Serde;

/**
 * Everything a client needs to use one topic correctly: its name, key/value serdes and the settings it
 * is created with. Passing descriptors around (instead of names plus separately chosen serdes) makes a
 * serde mismatch a compile error.
 *
 * @param partitions        partition count, or {@link #BROKER_DEFAULT} for the broker's default
 * @param replicationFactor replication factor, or {@link #BROKER_DEFAULT} for the broker's default
 * @param configs           topic-level configs applied at creation (immutable copy)
 */
public record TopicDescriptor<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde,
                                    int partitions, short replicationFactor, Map<String, String> configs) {

    /** Kafka's "use the broker default" value for partitions / replication factor. */
    public static final short BROKER_DEFAULT = -1;

    /** @throws org.apache.kafka.common.errors.InvalidTopicException for an invalid topic name */
    public TopicDescriptor {
        Objects.requireNonNull(name, "name");
        Topic.validate(name);
        Objects.requireNonNull(keySerde, "keySerde of " + name);
        Objects.requireNonNull(valueSerde, "valueSerde of " + name);
        if (partitions == 0 || partitions < BROKER_DEFAULT) {
            throw new IllegalArgumentException("Topic " + name + ": partitions must be > 0 or -1 (broker default), got " + partitions);
        }
        if (replicationFactor == 0 || replicationFactor < BROKER_DEFAULT) {
            throw new IllegalArgumentException("Topic " + name + ": replicationFactor must be > 0 or -1 (broker default), got "
                    + replicationFactor);
        }
        configs = Map.copyOf(Objects.requireNonNull(configs, "configs of " + name));
    }

    /** The {@link NewTopic} that creates this topic. */
    public NewTopic newTopic() {
        Optional<Integer> p = partitions == BROKER_DEFAULT ? Optional.empty() : Optional.of(partitions);
        Optional<Short> r = replicationFactor == BROKER_DEFAULT ? Optional.empty() : Optional.of(replicationFactor);
        return new NewTopic(name, p, r).configs(configs);
    }

    public TopicDescriptor<K, V> withPartitions(int newPartitions) {
        return new TopicDescriptor<>(name, keySerde, valueSerde, newPartitions, replicationFactor, configs);
    }

    public TopicDescriptor<K, V> withReplicationFactor(short newReplicationFactor) {
        return new TopicDescriptor<>(name, keySerde, valueSerde, partitions, newReplicationFactor, configs);
    }

    /** Copy with one config added or replaced. */
    public TopicDescriptor<K, V> withConfig(String key, String value) {
        Map<String, String> c = new LinkedHashMap<>(configs);
        c.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value of " + key));
        return new TopicDescriptor<>(name, keySerde, valueSerde, partitions, replicationFactor, c);
    }

    /** Copy with the same settings and a different value serde (e.g. JSON feature vectors). */
    public <W> TopicDescriptor<K, W> withValueSerde(Serde<W> serde) {
        return new TopicDescriptor<>(name, keySerde, serde, partitions, replicationFactor, configs);
    }
}
