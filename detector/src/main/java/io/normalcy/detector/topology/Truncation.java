package io.normalcy.detector.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Shortening of free-form input strings (entity, event id, context, attributes) and bytes so that an output
 * record fits the producer's {@code max.request.size}. A shortened string keeps its first {@link #MAX_CHARS}
 * characters and says so, with the original size and a SHA-256 prefix of the whole value:
 * {@code <prefix>…[truncated: 614400 bytes, sha256 0f1e2d3c4b5a6978]}. The hash keeps two long values that share
 * a prefix apart (the entity is the output key and the cool-down key), and the same input always gives the same
 * result, so partitioning and cool-down stay deterministic.
 */
final class Truncation {
    /** Longest string kept whole, in UTF-16 chars (at most ~3 KiB of UTF-8). */
    static final int MAX_CHARS = 1024;
    /** Longest byte array (key, header value) kept whole in a shortened dead letter. */
    static final int MAX_BYTES = 1024;

    private Truncation() {
    }

    static boolean tooLong(String s) {
        return s != null && s.length() > MAX_CHARS;
    }

    /** {@code s} itself when it has at most {@link #MAX_CHARS} chars, else its marked, hashed prefix. */
    static String cap(String s) {
        return tooLong(s) ? cap(s, MAX_CHARS) : s;
    }

    /** The first {@code maxChars} chars of {@code s} (never half a surrogate pair) plus the truncation marker. */
    static String cap(String s, int maxChars) {
        if (s == null || s.length() <= maxChars) {
            return s;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        int end = Character.isHighSurrogate(s.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return s.substring(0, end) + "…[truncated: " + utf8.length + " bytes, sha256 " + sha256Prefix(utf8) + "]";
    }

    /** {@code b} itself when it has at most {@code max} bytes, else its first {@code max} bytes. */
    static byte[] cap(byte[] b, int max) {
        return b == null || b.length <= max ? b : Arrays.copyOf(b, max);
    }

    /** Keys and values capped; the same map instance when nothing was too long. */
    static Map<String, String> capStrings(Map<String, String> m) {
        if (m == null || m.entrySet().stream().noneMatch(e -> tooLong(e.getKey()) || tooLong(e.getValue()))) {
            return m;
        }
        Map<String, String> out = new LinkedHashMap<>(m.size() * 2);
        m.forEach((k, v) -> out.put(cap(k), cap(v)));
        return out;
    }

    /** Keys capped; the same map instance when no key was too long. */
    static <V> Map<String, V> capKeys(Map<String, V> m) {
        if (m == null || m.keySet().stream().noneMatch(Truncation::tooLong)) {
            return m;
        }
        Map<String, V> out = new LinkedHashMap<>(m.size() * 2);
        m.forEach((k, v) -> out.put(cap(k), v));
        return out;
    }

    private static String sha256Prefix(byte[] data) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(data);
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JCA algorithm", e);
        }
    }
}
