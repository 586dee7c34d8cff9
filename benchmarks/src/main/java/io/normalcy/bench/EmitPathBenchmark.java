package io.normalcy.bench;

import io.normalcy.avro.ScoredEvent;
import io.normalcy.avro.Severity;
import io.normalcy.schemas.serde.AvroSerde;
import io.normalcy.schemas.serde.AvroWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Issue 14, item 4: the cost of encoding the score the detector writes for every input record, the shared
 * {@link AvroSerde#serialize} (Avro's {@code BinaryMessageEncoder}: thread-local encoder lookups, a fresh growing
 * {@code ByteArrayOutputStream}, a copy out) against the task's reusable {@link AvroWriter} (same bytes). The
 * records are built as {@code EventFactory.scored} builds them: ids and coordinates of the input, no v2 map, the
 * float32 terms only when {@code terms} (the default {@code contributions = alerts} writes them for flagged scores
 * only, so most records carry none). Run with {@code -prof gc} for the allocation per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EmitPathBenchmark {
    private static final int RECORDS = 64;
    private static final String TOPIC = "normalcy.scores";

    @Param({"8", "16"})
    public int dim;
    @Param({"false", "true"})
    public boolean terms;

    private final AvroSerde<ScoredEvent> serde = AvroSerde.of(ScoredEvent.class);
    private final AvroWriter<ScoredEvent> writer = AvroWriter.of(ScoredEvent.class);
    private ScoredEvent[] events;
    private int next;

    @Setup
    public void setup() {
        Random rnd = new Random(42);
        events = new ScoredEvent[RECORDS];
        Instant t0 = Instant.parse("2026-12-06T09:00:00Z");
        for (int i = 0; i < RECORDS; i++) {
            List<Float> contributionTerms = new ArrayList<>();
            for (int k = 0; terms && k < dim; k++) {
                contributionTerms.add((float) rnd.nextGaussian());
            }
            events[i] = new ScoredEvent("evt-" + (1_000_000 + i), "entity-" + rnd.nextInt(10_000),
                    t0.plusMillis(i), "bench-d" + dim, 1L, "bench.d" + dim + ".normalcy.features", i % 3,
                    100_000L + i, -dim * 1.4 + rnd.nextGaussian(), Map.of(), -dim * 2.1, 0.01,
                    terms ? Severity.WARNING : Severity.NORMAL, "global", t0.plusMillis(i + 5),
                    rnd.nextDouble(), contributionTerms, List.of());
        }
    }

    private ScoredEvent nextEvent() {
        int i = next;
        next = (i + 1) & (RECORDS - 1);
        return events[i];
    }

    /** Before: the shared serde, as {@code Codecs} used it up to session 6. */
    @Benchmark
    public byte[] serde() {
        return serde.serialize(TOPIC, nextEvent());
    }

    /** After: the task's reusable writer. */
    @Benchmark
    public byte[] writer() {
        return writer.write(TOPIC, nextEvent());
    }
}
