package io.normalcy.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.Alert;
import io.normalcy.avro.FeatureContribution;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.schemas.Fixtures;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** {@link AvroWriter} writes exactly {@link AvroSerde#serialize}'s bytes, record after record, with one buffer. */
class AvroWriterTest {
    private static final String[] ODD = {"", "a", "é", "日本語", "\uD83D\uDE00 emoji", "tab\tnew\nline", "\u0000nul"};

    private final AvroSerde<ScoredEvent> scoredSerde = AvroSerde.of(ScoredEvent.class);
    private final AvroSerde<Alert> alertSerde = AvroSerde.of(Alert.class);

    @Test
    void randomScoredEventsAreWrittenByteForByteAsTheSerdeWritesThem() {
        AvroWriter<ScoredEvent> writer = AvroWriter.of(ScoredEvent.class);
        Random rnd = new Random(7);
        for (int i = 0; i < 2000; i++) {
            ScoredEvent e = scored(rnd);
            byte[] bytes = writer.write("scores", e);
            assertArrayEquals(scoredSerde.serialize("scores", e), bytes, "record " + i);
            assertRoundTrips(e, scoredSerde.deserialize("scores", bytes), i);
        }
    }

    @Test
    void randomAlertsAreWrittenByteForByteAsTheSerdeWritesThem() {
        AvroWriter<Alert> writer = AvroWriter.of(Alert.class);
        Random rnd = new Random(11);
        for (int i = 0; i < 1000; i++) {
            Alert a = alert(rnd);
            byte[] bytes = writer.write("alerts", a);
            assertArrayEquals(alertSerde.serialize("alerts", a), bytes, "record " + i);
            assertRoundTrips(a, alertSerde.deserialize("alerts", bytes), i);
        }
    }

    /**
     * The decoded record equals the written one. Records with a NaN are left out: the generated {@code equals}
     * compares doubles with {@code ==} (their bytes are compared above). No record in the message: some are huge.
     */
    private static void assertRoundTrips(SpecificRecord written, SpecificRecord decoded, int i) {
        if (!written.toString().contains("NaN")) {
            assertTrue(written.equals(decoded), "record " + i + " decodes to what was written");
        }
    }

    @Test
    void everyFixtureOfEveryTypeMatchesTheSerde() {
        for (SpecificRecord r : Fixtures.all()) {
            assertWritesAsSerde(r);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void assertWritesAsSerde(T r) {
        Class<T> type = (Class<T>) r.getClass();
        assertArrayEquals(AvroSerde.of(type).serialize("t", r), AvroWriter.of(type).write("t", r),
                type.getSimpleName());
    }

    @Test
    void aSmallRecordAfterALargeOneIsExactAndTheLargeBufferIsNotKept() {
        AvroWriter<ScoredEvent> writer = AvroWriter.of(ScoredEvent.class);
        ScoredEvent small = Fixtures.scoredEventMinimal();
        ScoredEvent medium = ScoredEvent.newBuilder(small).setEntity("m".repeat(20_000)).build();
        ScoredEvent large = ScoredEvent.newBuilder(small).setEntity("L".repeat(AvroWriter.RETAINED_BYTES * 3))
                .setContributionTerms(floats(new Random(1), 50_000)).build();
        byte[] expectedSmall = scoredSerde.serialize("s", small);

        assertArrayEquals(scoredSerde.serialize("s", medium), writer.write("s", medium));
        assertArrayEquals(expectedSmall, writer.write("s", small)); // a kept buffer with stale bytes past the end
        assertArrayEquals(scoredSerde.serialize("s", large), writer.write("s", large));
        assertTrue(writer.capacity() <= AvroWriter.RETAINED_BYTES, "capacity " + writer.capacity());
        assertArrayEquals(expectedSmall, writer.write("s", small));
        assertEquals(small, scoredSerde.deserialize("s", writer.write("s", small)));
    }

    @Test
    void aRecordAvroCannotWriteFailsLikeTheSerdeAndTheNextOneIsExact() {
        AvroWriter<ScoredEvent> writer = AvroWriter.of(ScoredEvent.class);
        ScoredEvent ok = Fixtures.scoredEventFull();
        writer.write("s", ok);
        ScoredEvent broken = ScoredEvent.newBuilder(ok).build();
        broken.setModel(null); // required string: the builder would refuse it, the setter does not
        SerializationException e = assertThrows(SerializationException.class, () -> writer.write("s", broken));
        assertTrue(e.getMessage().startsWith("Cannot serialize ScoredEvent for topic 's': invalid record"),
                e.getMessage());
        assertThrows(SerializationException.class, () -> scoredSerde.serialize("s", broken));
        assertArrayEquals(scoredSerde.serialize("s", Fixtures.scoredEventMinimal()),
                writer.write("s", Fixtures.scoredEventMinimal()));
    }

    @Test
    void nullIsATombstoneAndAnotherTypeIsRefused() {
        AvroWriter<ScoredEvent> writer = AvroWriter.of(ScoredEvent.class);
        assertNull(writer.write("s", null));
        @SuppressWarnings({"unchecked", "rawtypes"})
        AvroWriter<SpecificRecord> raw = (AvroWriter) writer;
        SerializationException e = assertThrows(SerializationException.class,
                () -> raw.write("s", Fixtures.alertMinimal()));
        assertTrue(e.getMessage().contains("got a io.normalcy.avro.Alert"), e.getMessage());
    }

    private static ScoredEvent scored(Random rnd) {
        return new ScoredEvent(rnd.nextBoolean() ? null : text(rnd), text(rnd), instant(rnd), text(rnd),
                rnd.nextLong(), text(rnd), rnd.nextInt(), rnd.nextLong(), real(rnd), doubles(rnd), real(rnd),
                rnd.nextDouble(), Severity.values()[rnd.nextInt(3)], text(rnd), instant(rnd),
                rnd.nextBoolean() ? null : real(rnd), floats(rnd, size(rnd)), strings(rnd));
    }

    private static Alert alert(Random rnd) {
        List<FeatureContribution> top = new ArrayList<>();
        for (int i = size(rnd) % 8; i > 0; i--) {
            boolean ranged = rnd.nextBoolean();
            top.add(new FeatureContribution(text(rnd), real(rnd), real(rnd), real(rnd), real(rnd),
                    ranged ? real(rnd) : null, ranged ? real(rnd) : null, ranged ? rnd.nextDouble() : null));
        }
        boolean located = rnd.nextBoolean();
        return new Alert(text(rnd), text(rnd), instant(rnd), text(rnd), rnd.nextLong(), real(rnd), real(rnd),
                rnd.nextDouble(), Severity.values()[1 + rnd.nextInt(2)], text(rnd), top, texts(rnd), doubles(rnd),
                doubles(rnd), texts(rnd), rnd.nextBoolean() ? null : text(rnd), located ? text(rnd) : null,
                located ? rnd.nextInt(64) : null, located ? rnd.nextLong() : null, instant(rnd),
                rnd.nextBoolean() ? null : rnd.nextDouble(), strings(rnd));
    }

    /** Mostly short, sometimes empty, odd (unicode, control characters) or long (up to 40 000 chars). */
    private static String text(Random rnd) {
        int kind = rnd.nextInt(10);
        if (kind == 0) {
            return ODD[rnd.nextInt(ODD.length)];
        }
        if (kind == 1) {
            return "x\u00e9\u65e5".repeat(1 + rnd.nextInt(13_000));
        }
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(24); i > 0; i--) {
            int cp = rnd.nextInt(8) == 0 ? 0x80 + rnd.nextInt(0x1FF80) : 'a' + rnd.nextInt(26);
            sb.appendCodePoint(cp >= 0xD800 && cp <= 0xDFFF ? cp + 0x800 : cp); // no lone surrogates
        }
        return sb.toString();
    }

    private static int size(Random rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> 1000 + rnd.nextInt(5000);
            default -> rnd.nextInt(40);
        };
    }

    private static double real(Random rnd) {
        return switch (rnd.nextInt(12)) {
            case 0 -> Double.NaN;
            case 1 -> Double.NEGATIVE_INFINITY;
            case 2 -> -0.0;
            default -> (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(20) - 10);
        };
    }

    private static Instant instant(Random rnd) {
        return Instant.ofEpochMilli(rnd.nextLong() % 10_000_000_000_000L);
    }

    private static List<Float> floats(Random rnd, int n) {
        List<Float> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add((float) real(rnd));
        }
        return out;
    }

    private static List<String> strings(Random rnd) {
        List<String> out = new ArrayList<>();
        for (int i = size(rnd) % 50; i > 0; i--) {
            out.add(text(rnd));
        }
        return out;
    }

    private static Map<String, Double> doubles(Random rnd) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = size(rnd) % 60; i > 0; i--) {
            out.put(text(rnd), real(rnd));
        }
        return out;
    }

    private static Map<String, String> texts(Random rnd) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = size(rnd) % 30; i > 0; i--) {
            out.put(text(rnd), text(rnd));
        }
        return out;
    }
}
