package io.normalcy.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * One configured API key: its name (the principal of requests that present it), the SHA-256 of the key and its
 * roles. Only the digest is kept, so a key configured in plain text is not held in memory longer than start-up,
 * and {@link #matches} compares digests in constant time.
 *
 * @param name   the configuration name ({@code normalcy.security.api-keys.<name>})
 * @param sha256 SHA-256 of the key's UTF-8 bytes (32 bytes)
 * @param roles  a non-empty subset of {@link Roles#ALL}
 */
public record ApiKey(String name, byte[] sha256, Set<String> roles) {
    /** Shorter keys are guessable; 32 hex characters (128 bits) is the least we recommend, 16 the least we accept. */
    public static final int MIN_LENGTH = 16;

    public ApiKey {
        sha256 = sha256.clone();
        roles = Set.copyOf(roles);
    }

    /** Whether {@code presentedDigest} (see {@link #digest}) is this key's; constant time in the digest bytes. */
    public boolean matches(byte[] presentedDigest) {
        return MessageDigest.isEqual(sha256, presentedDigest);
    }

    /** SHA-256 of a presented or configured key. */
    public static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Lower-case hex, the form of {@code key-sha256} (e.g. {@code printf %s "$KEY" | sha256sum}). */
    public static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }

    @Override
    public String toString() {
        return name + " " + new java.util.TreeSet<>(roles);
    }
}
