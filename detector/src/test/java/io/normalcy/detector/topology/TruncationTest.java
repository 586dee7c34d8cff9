package io.normalcy.detector.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TruncationTest {

    @Test
    void shortStringsAndMapsAreKeptAsTheyAre() {
        String s = "x".repeat(Truncation.MAX_CHARS);
        assertSame(s, Truncation.cap(s));
        Map<String, String> m = Map.of("k", "v");
        assertSame(m, Truncation.capStrings(m));
    }

    @Test
    void longStringsKeepAPrefixTheOriginalSizeAndAHashThatKeepsThemApart() {
        String a = "p".repeat(5000) + "a";
        String b = "p".repeat(5000) + "b";
        String ca = Truncation.cap(a);
        assertTrue(ca.startsWith("p".repeat(Truncation.MAX_CHARS) + "…[truncated: 5001 bytes, sha256 "), ca);
        assertNotEquals(ca, Truncation.cap(b), "same prefix, different values");
        assertEquals(ca, Truncation.cap(a), "deterministic");
    }

    @Test
    void aSurrogatePairIsNeverSplit() {
        String emoji = "\uD83D\uDE00"; // one code point, two chars
        String s = "x".repeat(Truncation.MAX_CHARS - 1) + emoji + "tail";
        String c = Truncation.cap(s);
        assertTrue(c.startsWith("x".repeat(Truncation.MAX_CHARS - 1) + "…"), c.substring(Truncation.MAX_CHARS - 2));
        assertEquals(c, new String(c.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8), "valid UTF-16");
    }
}
