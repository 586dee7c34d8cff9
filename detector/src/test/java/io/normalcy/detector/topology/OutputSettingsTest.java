package io.normalcy.detector.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The producer limit is read from the effective Streams configuration, as Kafka Streams resolves it. */
class OutputSettingsTest {

    private static StreamsConfig config(String... kv) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "t");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return new StreamsConfig(p);
    }

    @Test
    void kafkasDefaultIsOneMebibyte() {
        assertEquals(1_048_576, OutputSettings.maxRecordSize(config()));
        assertEquals(1_048_576, OutputSettings.defaults().maxRecordSize());
    }

    @Test
    void producerPrefixedSettingsWinOverPlainOnes() {
        assertEquals(2_000_000, OutputSettings.maxRecordSize(config("max.request.size", "2000000")));
        assertEquals(3_000_000, OutputSettings.maxRecordSize(config("max.request.size", "2000000",
                "producer.max.request.size", "3000000")));
        assertEquals(500_000, OutputSettings.maxRecordSize(config("max.request.size", "2000000",
                "buffer.memory", "500000")), "the producer also refuses records larger than its buffer");
    }

    @Test
    void badValuesNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> OutputSettings.maxRecordSize(config("producer.max.request.size", "big")));
        assertTrue(e.getMessage().contains("max.request.size"), e.getMessage());
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class,
                () -> new OutputSettings(1000, KnownTopics.all()));
        assertTrue(small.getMessage().contains("max.request.size"), small.getMessage());
    }
}
