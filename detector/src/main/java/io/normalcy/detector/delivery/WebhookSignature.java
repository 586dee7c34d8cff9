package io.normalcy.detector.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures of webhook calls, so a receiver can tell a genuine alert from a forged or replayed POST (the URL
 * alone is no secret: it shows up in logs and proxies). The scheme is the one GitHub and Stripe use:
 * <pre>
 * X-Normalcy-Timestamp: 1767225600                 (Unix seconds when this attempt was sent)
 * X-Normalcy-Signature: v1=&lt;hex HMAC-SHA256(key = UTF-8 bytes of the secret,
 *                                            message = timestamp + "." + raw request body)&gt;
 * </pre>
 * Signing the timestamp lets receivers reject replays (e.g. older than 5 minutes); each retry is signed anew.
 * The {@code v1=} prefix leaves room for a future scheme. Each subscription has its own secret, issued by the
 * detector at creation ({@link #newSecret()}) unless the subscriber supplies one.
 */
public final class WebhookSignature {
    public static final String TIMESTAMP_HEADER = "X-Normalcy-Timestamp";
    public static final String SIGNATURE_HEADER = "X-Normalcy-Signature";
    public static final String SCHEME = "v1=";
    /** Length bounds of a subscriber-supplied secret. */
    public static final int MIN_SECRET_LENGTH = 16;
    public static final int MAX_SECRET_LENGTH = 256;

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    /** A fresh secret: {@code whsec_} + 32 random bytes, base64url (43 characters). */
    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The {@link #SIGNATURE_HEADER} value: {@code v1=} + hex HMAC-SHA256(secret, timestamp + "." + body). */
    public static String sign(String secret, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) '.');
            return SCHEME + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e); // every JRE has it
        }
    }

    /**
     * What a receiver does: recompute and compare in constant time. Replay protection (rejecting old timestamps)
     * is the receiver's policy and not checked here.
     */
    public static boolean verify(String secret, String timestampHeader, String signatureHeader, byte[] body) {
        if (secret == null || timestampHeader == null || signatureHeader == null) {
            return false;
        }
        long ts;
        try {
            ts = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        byte[] expected = sign(secret, ts, body).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signatureHeader.trim().getBytes(StandardCharsets.US_ASCII));
    }
}
