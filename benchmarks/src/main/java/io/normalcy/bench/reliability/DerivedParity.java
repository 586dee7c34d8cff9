package io.normalcy.bench.reliability;

import io.normalcy.avro.FeatureVector;
import io.normalcy.avro.ScoredEvent;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.model.Score;
import io.normalcy.flow.model.Scorer;
import io.normalcy.schemas.derived.DerivedFeatures;
import io.normalcy.schemas.derived.EntityHistory;
import io.normalcy.schemas.serde.FeatureVectorSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The derived-feature kill case's check (issue 12: "a crash test showing derived features identical to an
 * uninterrupted run"): every score the SIGKILLed-and-restarted detector committed must equal the score of an
 * uninterrupted derivation of the same input: the input topic re-read from the beginning, each partition in offset
 * order (the detector's arrival order; the key is the entity, so an entity lives in one partition), the derived
 * features computed per entity by the shared {@link DerivedFeatures#derive}, scored by the same model on the scalar
 * reference kernel (the case runs its detector with {@code normalcy.detector.scoring-kernel=scalar}).
 *
 * <p>Compared per input: log p to {@value #LOG_DENSITY_TOLERANCE} nats, and every per-feature term
 * ({@code contributionTerms}, float32: the case runs with {@code normalcy.detector.output.contributions=all})
 * for float equality. A term is a function of the standardised feature values up to its own, so a derived value
 * restored wrongly from the history changelog (lost, replayed twice, or started afresh) shows as a mismatch of its
 * term; log p catches the rest. Inputs scored more than once or not at all are counted too (the ledger judges
 * them as well; here they would make the comparison meaningless).
 */
final class DerivedParity {
    static final double LOG_DENSITY_TOLERANCE = 1e-9;

    /** Where an input was read from. */
    record Coord(int partition, long offset) {
    }

    /** One committed score's values. */
    record Observed(double logDensity, float[] terms) {
        static Observed of(ScoredEvent s) {
            float[] t = new float[s.getContributionTerms().size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = s.getContributionTerms().get(i);
            }
            return new Observed(s.getLogDensity(), t);
        }
    }

    /** One input record, decoded (null when it does not decode: the detector dead-letters it). */
    record Input(Coord at, FeatureVector vector) {
    }

    /**
     * The comparison's outcome.
     *
     * @param inputs        input records read back
     * @param compared      inputs the uninterrupted derivation scores and the detector scored exactly once
     * @param unscored      inputs the derivation scores with no committed score
     * @param scoredTwice   inputs with more than one committed score
     * @param mismatched    compared inputs whose log p or some term differs
     * @param maxDelta      largest |Δ log p| over the compared inputs
     * @param firstMismatch a description of the first mismatch, or null
     */
    record Result(long inputs, long compared, long unscored, long scoredTwice, long mismatched, double maxDelta,
                  String firstMismatch) {
        boolean clean() {
            return unscored == 0 && scoredTwice == 0 && mismatched == 0 && compared > 0;
        }

        String describe() {
            return String.format(Locale.ROOT, "derived features: %,d inputs, %,d scores compared with the "
                    + "uninterrupted derivation, %,d mismatched (log p to 1e-9, terms float-equal; max |Δ log p| %.1e), "
                    + "%,d unscored, %,d scored twice%s", inputs, compared, mismatched, maxDelta, unscored,
                    scoredTwice, firstMismatch == null ? "" : "; first mismatch: " + firstMismatch);
        }
    }

    private final Map<Coord, List<Observed>> observed = new ConcurrentHashMap<>();

    /** Books a committed score (the output reader's thread). */
    void observe(ScoredEvent s) {
        observed.computeIfAbsent(new Coord(s.getSourcePartition(), s.getSourceOffset()),
                k -> Collections.synchronizedList(new ArrayList<>())).add(Observed.of(s));
    }

    Map<Coord, List<Observed>> observed() {
        return observed;
    }

    /**
     * Compares {@code observed} scores with the uninterrupted derivation of {@code inputs} (each partition's
     * records in offset order) by {@code model}.
     */
    static Result compare(NormalcyModel model, List<Input> inputs, Map<Coord, List<Observed>> observed) {
        DerivedFeatures spec = model.derived();
        Scorer scorer = model.newScorer();
        List<String> names = model.featureNames();
        Map<String, EntityHistory> histories = new HashMap<>();
        long compared = 0;
        long unscored = 0;
        long twice = 0;
        long mismatched = 0;
        double maxDelta = 0;
        String first = null;
        for (Input in : inputs) {
            Score ref = reference(spec, scorer, histories, in.vector());
            if (ref == null) {
                continue; // the detector dead-letters it, and it does not enter the history
            }
            List<Observed> seen = observed.getOrDefault(in.at(), List.of());
            if (seen.isEmpty()) {
                unscored++;
                continue;
            }
            if (seen.size() > 1) {
                twice++;
                continue;
            }
            compared++;
            Observed o = seen.get(0);
            double delta = Math.abs(o.logDensity() - ref.logDensity());
            maxDelta = Math.max(maxDelta, Double.isNaN(delta) ? Double.POSITIVE_INFINITY : delta);
            String diff = !(delta <= LOG_DENSITY_TOLERANCE)
                    ? String.format(Locale.ROOT, "log p %.12f, uninterrupted %.12f", o.logDensity(), ref.logDensity())
                    : termDifference(names, ref.contributions(), o.terms());
            if (diff != null) {
                mismatched++;
                if (first == null) {
                    first = "partition " + in.at().partition() + " offset " + in.at().offset() + " (entity "
                            + in.vector().getEntity() + "): " + diff;
                }
            }
        }
        return new Result(inputs.size(), compared, unscored, twice, mismatched, maxDelta, first);
    }

    /** The input's score after deriving its features from its entity's history (advanced); null when invalid. */
    private static Score reference(DerivedFeatures spec, Scorer scorer, Map<String, EntityHistory> histories,
                                   FeatureVector fv) {
        if (fv == null) {
            return null;
        }
        long t = fv.getEventTime().toEpochMilli();
        try {
            DerivedFeatures.Derivation d = spec.derive(histories.get(fv.getEntity()), t, fv.getFeatures());
            Map<String, Double> features = new LinkedHashMap<>(fv.getFeatures());
            features.putAll(d.values());
            Score s = scorer.score(features, fv.getContext(), fv.getContextNumeric(), t);
            histories.put(fv.getEntity(), d.next());
            return s;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String termDifference(List<String> names, double[] expected, float[] terms) {
        if (terms.length != expected.length) {
            return terms.length + " terms, expected " + expected.length
                    + " (is normalcy.detector.output.contributions=all?)";
        }
        for (int i = 0; i < terms.length; i++) {
            if (Float.compare((float) expected[i], terms[i]) != 0) {
                return String.format(Locale.ROOT, "term of %s %s, uninterrupted %s", names.get(i), terms[i],
                        (float) expected[i]);
            }
        }
        return null;
    }

    /**
     * Every record of {@code topic} from the beginning to its current end, each partition in offset order (the
     * order the detector consumed them in), decoded as the detector decodes them.
     */
    static List<Input> readInputs(String bootstrap, Admin admin, String topic, Duration timeout) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "chaos-parity-" + topic);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        FeatureVectorSerde serde = new FeatureVectorSerde();
        List<Input> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic, timeout).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<TopicPartition, OffsetSpec> q = new HashMap<>();
            parts.forEach(tp -> q.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(q).all().get(30, TimeUnit.SECONDS).forEach((tp, i) -> end.put(tp, i.offset()));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " back within "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(new Input(new Coord(r.partition(), r.offset()), decode(serde, topic, r.value())));
                }
            }
        }
        return out;
    }

    private static FeatureVector decode(FeatureVectorSerde serde, String topic, byte[] value) {
        try {
            return value == null ? null : serde.deserialize(topic, value);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
