package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.normalcy.schemas.Fixtures;
import io.normalcy.schemas.ReleasedSchemas;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class NormalcySerdesTest {

    /** Kafka instantiates serdes by class name through a public no-argument constructor. */
    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void namedSerdesAreInstantiableByKafkaAndCoverEveryRecord() throws Exception {
        List<String> names = List.of("ScoredEventSerde", "AlertSerde", "ModelVersionSerde", "RetrainRequestSerde",
                "AlertSubscriptionSerde", "DeadLetterSerde", "TrainingStatusSerde", "ModelControlSerde");
        List<Object> fixtures = List.of(Fixtures.scoredEventFull(), Fixtures.alertFull(), Fixtures.modelVersionFull(),
                Fixtures.retrainFull(), Fixtures.subscriptionFull(), Fixtures.deadLetterFull(), Fixtures.trainingStatusFull(),
                Fixtures.modelControlFull());
        for (int i = 0; i < names.size(); i++) {
            Serde serde = Utils.newInstance("io.normalcy.schemas.serde.NormalcySerdes$" + names.get(i), Serde.class);
            Object record = fixtures.get(i);
            assertEquals(record, serde.deserializer().deserialize("t", serde.serializer().serialize("t", record)), names.get(i));
        }
        // + FeatureVectorSerde = every topic record
        assertEquals(ReleasedSchemas.TOPIC_RECORDS.size(), names.size() + 1);
        Serde fv = Utils.newInstance(FeatureVectorSerde.class.getName(), Serde.class);
        assertEquals(Fixtures.featureVectorFull(), fv.deserializer().deserialize("t", fv.serializer().serialize("t", Fixtures.featureVectorFull())));
    }
}
