package io.normalcy.bench.reliability;

import io.normalcy.avro.FeatureVector;
import io.normalcy.bench.reliability.Ledger.Expectation;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The malformed inputs of the fuzz case: each kind is a way a producer, a proxy or an attacker can put bad bytes on
 * the features topic, with the outcome the detector documents for it (detector/README.md, "Dead letters"). The
 * size kinds (a 600 KB entity, a ~1 MB value) accept a dead letter of any reason: what matters is that neither is
 * lost nor stops the stream, however the detector classifies "too large".
 */
final class FuzzCorpus {
    /** A model no version was ever published for. */
    static final String UNKNOWN_MODEL = "chaos-no-such-model";
    static final String DESERIALIZATION = "DESERIALIZATION";

    /** One malformed record: key and value bytes (value may be null). */
    record Bad(byte[] key, byte[] value) {
    }

    /** One kind: its name, what the detector must do with it, and how to make copy {@code i}. */
    record Kind(String name, Expectation expect, String what, Maker maker) {
        Bad make(long i, Random rng) {
            return maker.make(i, rng);
        }
    }

    @FunctionalInterface
    interface Maker {
        Bad make(long i, Random rng);
    }

    private final Traffic traffic;

    /** @param traffic the case's good traffic: malformed records are variations of its events */
    FuzzCorpus(Traffic traffic) {
        this.traffic = traffic;
    }

    List<Kind> kinds() {
        Expectation deser = Expectation.deadLetter(DESERIALIZATION);
        return List.of(
                new Kind("truncated-avro", deser, "valid Avro single-object record cut in half",
                        (i, r) -> bad(i, truncate(Traffic.avro(event(i, r))))),
                new Kind("wrong-fingerprint", deser, "Avro marker C3 01 with an unknown schema fingerprint",
                        (i, r) -> bad(i, wrongFingerprint(Traffic.avro(event(i, r)), r))),
                new Kind("avro-length-bomb", deser, "Avro header + a string length prefix of 2^30 bytes",
                        (i, r) -> bad(i, lengthBomb(Traffic.avro(event(i, r))))),
                new Kind("random-bytes", deser, "64 random bytes", (i, r) -> bad(i, random(r))),
                new Kind("empty-value", deser, "a 0-byte value", (i, r) -> bad(i, new byte[0])),
                new Kind("null-value", deser, "a null value (tombstone) on the features topic",
                        (i, r) -> bad(i, null)),
                new Kind("json-garbage", deser, "an unterminated JSON object",
                        (i, r) -> bad(i, utf8("{\"model\": \"" + traffic.model() + "\", \"features\": {\"a\": ,"))),
                new Kind("json-array", deser, "a JSON array instead of an object", (i, r) -> bad(i, utf8("[1,2,3]"))),
                new Kind("json-wrong-types", deser, "eventTime an object, features a string",
                        (i, r) -> bad(i, utf8("{\"model\":\"" + traffic.model() + "\",\"entity\":\"x\","
                                + "\"eventTime\":{\"at\":1},\"features\":\"a=1\"}"))),
                new Kind("json-nan", deser, "features written as NaN / Infinity literals and strings",
                        (i, r) -> bad(i, utf8(jsonEvent(i, "\"a\":NaN,\"b\":\"Infinity\",\"c\":1")))),
                new Kind("json-missing-event-time", deser, "JSON without the required eventTime",
                        (i, r) -> bad(i, utf8("{\"model\":\"" + traffic.model() + "\",\"entity\":\"x\","
                                + "\"features\":{\"a\":1,\"b\":2,\"c\":3}}"))),
                new Kind("deep-nesting", deser, "a feature value nested 100,000 arrays deep",
                        (i, r) -> bad(i, deepNesting(i))),
                new Kind("invalid-utf8", deser, "JSON whose entity holds bytes that are not UTF-8",
                        (i, r) -> bad(i, invalidUtf8(i))),
                new Kind("avro-non-finite", Expectation.deadLetter("NON_FINITE_FEATURE"),
                        "Avro record with a = NaN and b = +Infinity",
                        (i, r) -> bad(i, Traffic.avro(withFeatures(event(i, r), Map.of("a", Double.NaN,
                                "b", Double.POSITIVE_INFINITY, "c", 0.0))))),
                new Kind("missing-feature", Expectation.deadLetter("MISSING_FEATURE"), "feature c absent",
                        (i, r) -> bad(i, Traffic.avro(withFeatures(event(i, r), Map.of("a", 0.1, "b", 0.2))))),
                new Kind("unknown-feature", Expectation.deadLetter("UNKNOWN_FEATURE"), "an extra feature zz",
                        (i, r) -> bad(i, Traffic.avro(withFeatures(event(i, r), Map.of("a", 0.1, "b", 0.2,
                                "c", 0.3, "zz", 1.0))))),
                new Kind("many-features", Expectation.deadLetter("UNKNOWN_FEATURE"), "20,000 unknown features",
                        (i, r) -> bad(i, Traffic.avro(withFeatures(event(i, r), manyFeatures())))),
                new Kind("unknown-model", Expectation.PARK, "a valid record of a model that has no version",
                        (i, r) -> bad(i, Traffic.avro(FeatureVector.newBuilder(event(i, r))
                                .setModel(UNKNOWN_MODEL).build()))),
                new Kind("huge-entity", Expectation.SCORE, "a valid record whose entity (and key) is 600 KB: scored, its "
                        + "outputs shortened (entity prefix + size + sha256, header normalcy.truncated)",
                        (i, r) -> hugeEntity(i, r)),
                new Kind("one-mb-value", Expectation.deadLetter(), "a ~1 MB JSON value (an unknown 1 MB field)",
                        (i, r) -> bad(i, oneMegabyte(i))));
    }

    private FeatureVector event(long i, Random rng) {
        return traffic.event(i, traffic.entity(i), false, rng);
    }

    private static Bad bad(long i, byte[] value) {
        return new Bad(utf8("fuzz-" + i), value);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private String jsonEvent(long i, String features) {
        return "{\"model\":\"" + traffic.model() + "\",\"entity\":\"" + traffic.entity(i)
                + "\",\"eventTime\":1772409600000,\"features\":{" + features + "}}";
    }

    private static FeatureVector withFeatures(FeatureVector fv, Map<String, Double> features) {
        return FeatureVector.newBuilder(fv).setFeatures(features).build();
    }

    private static byte[] truncate(byte[] avro) {
        return java.util.Arrays.copyOf(avro, avro.length / 2);
    }

    private static byte[] wrongFingerprint(byte[] avro, Random rng) {
        byte[] copy = avro.clone();
        for (int k = 2; k < 10; k++) {
            copy[k] = (byte) rng.nextInt(256);
        }
        copy[2] ^= (byte) 0x5A; // never the real fingerprint, whatever the random bytes were
        return copy;
    }

    /** The 10-byte header of a valid record, then a zig-zag varint claiming a 2^30-byte string (the model name). */
    private static byte[] lengthBomb(byte[] avro) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(avro, 0, 10);
        long zigzag = (1L << 30) << 1;
        while ((zigzag & ~0x7FL) != 0) {
            out.write((int) ((zigzag & 0x7F) | 0x80));
            zigzag >>>= 7;
        }
        out.write((int) zigzag);
        out.writeBytes(utf8("short"));
        return out.toByteArray();
    }

    private static byte[] random(Random rng) {
        byte[] b = new byte[64];
        rng.nextBytes(b);
        b[0] = 0x00; // neither the Avro marker nor '{'
        return b;
    }

    private byte[] deepNesting(long i) {
        int depth = 100_000;
        StringBuilder sb = new StringBuilder(depth * 2 + 200);
        sb.append("{\"model\":\"").append(traffic.model()).append("\",\"entity\":\"").append(traffic.entity(i))
                .append("\",\"eventTime\":1772409600000,\"features\":{\"a\":");
        sb.append("[".repeat(depth)).append('1').append("]".repeat(depth));
        sb.append(",\"b\":1,\"c\":1}}");
        return utf8(sb.toString());
    }

    private byte[] invalidUtf8(long i) {
        byte[] head = utf8("{\"model\":\"" + traffic.model() + "\",\"entity\":\"bad");
        byte[] bad = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE};
        byte[] tail = utf8("\",\"eventTime\":1772409600000,\"features\":{\"a\":1,\"b\":1,\"c\":1}}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head);
        out.writeBytes(bad);
        out.writeBytes(tail);
        return out.toByteArray();
    }

    private static Map<String, Double> manyFeatures() {
        Map<String, Double> f = new HashMap<>();
        f.put("a", 0.1);
        f.put("b", 0.2);
        f.put("c", 0.3);
        for (int k = 0; k < 20_000; k++) {
            f.put("x" + k, (double) k);
        }
        return f;
    }

    private Bad hugeEntity(long i, Random rng) {
        String entity = "E".repeat(600 * 1024) + i;
        FeatureVector fv = traffic.event(i, entity, false, rng);
        return new Bad(utf8(entity), Traffic.avro(fv));
    }

    private byte[] oneMegabyte(long i) {
        return utf8("{\"model\":\"" + traffic.model() + "\",\"entity\":\"" + traffic.entity(i)
                + "\",\"eventTime\":1772409600000,\"features\":{\"a\":1,\"b\":1,\"c\":1},\"blob\":\""
                + "x".repeat(1_000_000) + "\"}");
    }
}
