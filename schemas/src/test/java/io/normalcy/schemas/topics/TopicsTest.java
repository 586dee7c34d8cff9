package io.normalcy.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import io.normalcy.schemas.serde.Format;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.Test;

class TopicsTest {

    private final Topics topics = Topics.defaults();

    @Test
    void defaultNamesMatchTheDesignTable() {
        assertEquals(List.of("normalcy.features", "normalcy.scores", "normalcy.alerts", "normalcy.models", "normalcy.retrain",
                "normalcy.subscriptions", "normalcy.dlq", "normalcy.parking", "normalcy.training-status"),
                topics.all().stream().map(TopicDescriptor::name).toList());
    }

    @Test
    void prefixRenamesEveryTopic() {
        Topics acme = new Topics(TopicNames.withPrefix("acme-"), 3, (short) 3);
        for (TopicDescriptor<?, ?> t : acme.all()) {
            assertTrue(t.name().startsWith("acme-"), t.name());
            assertEquals(3, t.replicationFactor());
        }
        assertEquals("acme-training-status", acme.trainingStatus().name());
        assertEquals(3, acme.features().partitions());
        assertEquals(1, acme.models().partitions());
    }

    @Test
    void compactedTopics() {
        Map<String, String> models = topics.models().configs();
        assertEquals("compact", models.get("cleanup.policy"));
        assertEquals("16777216", models.get("max.message.bytes"));
        assertEquals(Long.toString(Topics.COMPACTION_LAG.toMillis()), models.get("min.compaction.lag.ms"));
        assertEquals("compact", topics.subscriptions().configs().get("cleanup.policy"));
        assertTrue(topics.subscriptions().configs().containsKey("min.compaction.lag.ms"));
        for (TopicDescriptor<?, ?> t : topics.all()) {
            boolean compacted = t.name().endsWith("models") || t.name().endsWith("subscriptions");
            assertEquals(compacted ? "compact" : "delete", t.configs().get("cleanup.policy"), t.name());
        }
        assertEquals(Long.toString(Topics.DLQ_RETENTION.toMillis()), topics.dlq().configs().get("retention.ms"));
    }

    @Test
    void serdesMatchTheDesignTable() {
        assertInstanceOf(FeatureVectorSerde.class, topics.features().valueSerde());
        assertEquals(Format.JSON, ((FeatureVectorSerde) topics.features(Format.JSON).valueSerde()).writeFormat());
        assertEquals(io.normalcy.avro.ModelVersion.class, ((AvroSerde<?>) topics.models().valueSerde()).type());
        assertEquals(io.normalcy.avro.DeadLetter.class, ((AvroSerde<?>) topics.dlq().valueSerde()).type());
        assertInstanceOf(Serdes.ByteArraySerde.class, topics.dlq().keySerde());
        assertInstanceOf(Serdes.ByteArraySerde.class, topics.parking().valueSerde());
        assertInstanceOf(Serdes.StringSerde.class, topics.alerts().keySerde());
    }

    @Test
    void newTopicCarriesSettings() {
        NewTopic nt = topics.models().newTopic();
        assertEquals("normalcy.models", nt.name());
        assertEquals(1, nt.numPartitions());
        assertEquals(TopicDescriptor.BROKER_DEFAULT, nt.replicationFactor());
        assertEquals("compact", nt.configs().get("cleanup.policy"));
        NewTopic features = topics.features().withPartitions(12).withConfig("retention.ms", "1000").newTopic();
        assertEquals(12, features.numPartitions());
        assertEquals("1000", features.configs().get("retention.ms"));
    }

    @Test
    void invalidNamesAndSettingsAreRejected() {
        assertThrows(InvalidTopicException.class, () -> TopicNames.withPrefix("bad name "));
        assertThrows(InvalidTopicException.class, () -> TopicNames.withPrefix("x".repeat(250)));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> new TopicNames("a", "a", "c", "d", "e", "f", "g", "h", "i"));
        assertTrue(dup.getMessage().contains("a"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> topics.features().withPartitions(0));
        assertThrows(IllegalArgumentException.class, () -> new Topics(TopicNames.defaults(), -5, (short) 1));
        assertThrows(IllegalArgumentException.class, () -> topics.features().withReplicationFactor((short) 0));
    }

    @Test
    void descriptorConfigsAreImmutable() {
        TopicDescriptor<?, ?> t = topics.models();
        assertThrows(UnsupportedOperationException.class, () -> t.configs().put("x", "y"));
    }
}
