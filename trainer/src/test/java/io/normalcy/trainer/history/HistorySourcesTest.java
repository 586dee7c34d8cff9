package io.normalcy.trainer.history;

import io.normalcy.avro.FeatureVector;
import io.normalcy.schemas.TimeParser;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import io.normalcy.trainer.config.ModelDefinition;
import io.normalcy.trainer.config.Parameters;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistorySourcesTest {
    @TempDir
    Path dir;

    private static ModelDefinition def(Map<String, String> values) {
        return Parameters.apply(ModelDefinition.defaults("m"), values, "");
    }

    private static FeatureVector fv(String model, long t, Map<String, Double> features) {
        return FeatureVector.newBuilder().setModel(model).setEntity("e").setEventTime(Instant.ofEpochMilli(t))
                .setContext(Map.of("region", "eu")).setFeatures(features).build();
    }

    @Test
    void validatorCountsEveryReasonAndInfersFeaturesFromTheFirstGoodRow() {
        HistoryCollector c = new HistoryCollector(def(Map.of("categorical-context", "region")), 100);
        Map<String, String> eu = Map.of("region", "eu");
        c.offer(new io.normalcy.flow.fit.RawRecord(Map.of("a", Double.NaN, "b", 1.0), eu, Map.of(), 1), "r1");
        assertNull(c.features(), "a non-finite row does not fix the feature set");
        c.offer(new io.normalcy.flow.fit.RawRecord(Map.of("b", 1.0, "a", 2.0), eu, Map.of(), 2), "r2");
        assertEquals(List.of("a", "b"), c.features());
        c.offer(new io.normalcy.flow.fit.RawRecord(Map.of("a", 1.0), eu, Map.of(), 3), "r3");
        c.offer(new io.normalcy.flow.fit.RawRecord(Map.of("a", 1.0, "b", 2.0, "c", 3.0), eu, Map.of(), 4), "r4");
        c.offer(new io.normalcy.flow.fit.RawRecord(Map.of("a", 1.0, "b", 2.0), Map.of(), Map.of(), 5), "r5");
        c.offer(new io.normalcy.flow.fit.RawRecord(Map.of("a", 1.0, "b", Double.POSITIVE_INFINITY), eu, Map.of(), 6), "r6");
        assertEquals(1, c.rows().size());
        assertEquals(Map.of("MISSING_FEATURE", 1L, "NON_FINITE_FEATURE", 2L, "WRONG_FEATURE_SET", 1L, "MISSING_CONTEXT", 1L),
                c.skips().byReason());
        assertTrue(c.skips().example(SkipReason.WRONG_FEATURE_SET).contains("r4: unexpected features [c]"));
        assertTrue(c.skips().describe().startsWith("5 skipped: "));
    }

    @Test
    void capKeepsTheMostRecentRowsSortedByEventTime() {
        HistoryCollector c = new HistoryCollector(def(Map.of("features", "a")), 3);
        for (long t : new long[]{5, 1, 4, 2, 3}) {
            c.offer(new io.normalcy.flow.fit.RawRecord(Map.of("a", (double) t), Map.of(), Map.of(), t), "t" + t);
        }
        assertEquals(List.of(2L, 3L, 4L), c.rows().stream().map(r -> r.eventTime()).toList());
        assertEquals(2, c.dropped());
    }

    @Test
    void csvColumnsMapToFeaturesContextAndTimeAndBadCellsAreSkipped() throws Exception {
        Path csv = dir.resolve("h.csv");
        Files.writeString(csv, String.join("\n",
                "model,eventTime,region,load,amount,count",
                "m,2024-01-01T00:00:00Z,eu,0.5,10.5,3",
                "m,1704067260000,us,0.7,11,4",
                "other,1704067260000,us,0.7,11,4",
                "m,1704067320000,us,0.7,abc,4",
                "m,1704067380000,us,,12,5",
                "m,1704067440000,eu,0.1,13,"), StandardCharsets.UTF_8);
        ModelDefinition d = def(Map.of("categorical-context", "region", "numeric-context", "load"));
        History h = FileHistorySource.read(csv, d, null, null, 1000);
        assertEquals(List.of("amount", "count"), h.features());
        assertEquals(2, h.rows().size());
        assertEquals(1704067200000L, h.rows().get(0).eventTime());
        assertEquals("eu", h.rows().get(0).context().get("region"));
        assertEquals(0.5, h.rows().get(0).contextNumeric().get("load"));
        assertEquals(Map.of("MISSING_FEATURE", 1L, "MISSING_CONTEXT", 1L, "INVALID_VALUE", 1L), h.skips().byReason());
        assertTrue(h.skips().example(SkipReason.INVALID_VALUE).contains("h.csv line 5: column 'amount' = 'abc' is not a number"),
                h.skips().example(SkipReason.INVALID_VALUE));
        History window = FileHistorySource.read(csv, d, 1704067260000L, 1704067300000L, 1000);
        assertEquals(1, window.rows().size());
    }

    @Test
    void csvEventTimesUseTheSharedParserAndAnEmptyTimeIsSkippedNeverEpochZero() throws Exception {
        Path csv = dir.resolve("export.csv");
        Files.writeString(csv, String.join("\n",
                "eventTime,a",
                "2014-07-01 00:00:00,1",
                "1404172860,2",
                "2014-07-01T00:02:00.5Z,3",
                ",4",
                "01/07/2014,5",
                "2014/07/01 00:03:00,6"), StandardCharsets.UTF_8);
        long july1 = Instant.parse("2014-07-01T00:00:00Z").toEpochMilli();
        History h = FileHistorySource.read(csv, def(Map.of()), null, null, 1000);
        assertEquals(List.of(july1, july1 + 60_000, july1 + 120_500, july1 + 180_000),
                h.rows().stream().map(r -> r.eventTime()).toList(), "export, epoch seconds, ISO and slash forms");
        assertEquals(Map.of("INVALID_VALUE", 2L), h.skips().byReason(), "the empty and the day-first time");
        String example = h.skips().example(SkipReason.INVALID_VALUE);
        assertTrue(example.startsWith("export.csv line 5: column 'eventTime' is empty (accepted: "), example);

        History paris = FileHistorySource.read(csv, def(Map.of()), null, null, 1000,
                TimeParser.inZone(ZoneId.of("Europe/Paris")));
        assertEquals(List.of(july1 - 7_200_000, july1 - 7_200_000 + 180_000, july1 + 60_000, july1 + 120_500),
                paris.rows().stream().map(r -> r.eventTime()).toList(),
                "local times in the given zone (UTC+2); epoch numbers and offsets unchanged");
    }

    @Test
    void avroContainerFilesOfFeatureVectorsAreRead() throws Exception {
        Path avro = dir.resolve("h.avro");
        try (DataFileWriter<FeatureVector> w = new DataFileWriter<>(new SpecificDatumWriter<>(FeatureVector.class))) {
            w.create(FeatureVector.getClassSchema(), avro.toFile());
            w.append(fv("m", 1, Map.of("a", 1.0)));
            w.append(fv("x", 2, Map.of("a", 1.0)));
            w.append(fv("m", 3, Map.of("a", Double.NaN)));
            w.append(fv("m", 4, Map.of("a", 2.0)));
        }
        History h = FileHistorySource.read(avro, def(Map.of("features", "a")), null, null, 10);
        assertEquals(2, h.rows().size());
        assertEquals(3, h.examined());
        assertEquals(Map.of("NON_FINITE_FEATURE", 1L), h.skips().byReason());
    }

    @Test
    void unsupportedOrMissingFilesAreClearErrors() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FileHistorySource.read(dir.resolve("nope.csv"), def(Map.of()), null, null, 10));
        assertTrue(e.getMessage().contains("input file not found"));
        Path txt = Files.writeString(dir.resolve("x.txt"), "a");
        e = assertThrows(IllegalArgumentException.class, () -> FileHistorySource.read(txt, def(Map.of()), null, null, 10));
        assertTrue(e.getMessage().contains("use .csv or .avro"));
    }

    @Test
    void topicSourceDecodesFiltersByModelAndEventTimeAndCountsUndecodable() {
        String topic = "normalcy.features";
        TopicPartition tp = new TopicPartition(topic, 0);
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST) {
            @Override
            public synchronized Map<TopicPartition, OffsetAndTimestamp> offsetsForTimes(Map<TopicPartition, Long> q) {
                Map<TopicPartition, OffsetAndTimestamp> m = new HashMap<>();
                q.forEach((k, t) -> m.put(k, t <= 100 ? new OffsetAndTimestamp(0, 100) : null));
                return m;
            }
        };
        consumer.updatePartitions(topic, List.of(new PartitionInfo(topic, 0, null, null, null)));
        consumer.updateBeginningOffsets(Map.of(tp, 0L));
        consumer.updateEndOffsets(Map.of(tp, 5L));
        FeatureVectorSerde serde = new FeatureVectorSerde();
        byte[][] values = {
                serde.serialize(topic, fv("m", 150, Map.of("a", 1.0))),
                serde.serialize(topic, fv("other", 150, Map.of("a", 1.0))),
                "garbage".getBytes(StandardCharsets.UTF_8),
                serde.serialize(topic, fv("m", 50, Map.of("a", 1.0))), // event time before the window
                serde.serialize(topic, fv("m", 160, Map.of())),
        };
        consumer.schedulePollTask(() -> {
            for (int i = 0; i < values.length; i++) {
                consumer.addRecord(new ConsumerRecord<>(topic, 0, i, 100 + i, org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                        0, values[i].length, "k", values[i], new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty()));
            }
        });
        TopicHistorySource source = new TopicHistorySource(Map.of(), topic, Duration.ofSeconds(5));
        History h = source.read(consumer, def(Map.of("features", "a")), 100L, 1000L, 100);
        assertEquals(1, h.rows().size());
        assertEquals(Map.of("UNDECODABLE", 1L, "MISSING_FEATURE", 1L), h.skips().byReason());
        assertEquals(5L, h.sourceOffsets().get("normalcy.features-0"));
    }
}
