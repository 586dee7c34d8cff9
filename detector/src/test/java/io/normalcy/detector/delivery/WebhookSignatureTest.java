package io.normalcy.detector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {
    private static final byte[] BODY = "{\"alertId\":\"a1\"}".getBytes(StandardCharsets.UTF_8);

    /** Cross-checked with Python: hmac.new(secret, b"1767225600." + body, hashlib.sha256).hexdigest(). */
    @Test
    void matchesTheDocumentedSchemeComputedIndependently() {
        assertEquals("v1=ae768a146d6d034c0bdaedf7fa0aa4594c72f721f4091a7fc4d0828bfa2a1983",
                WebhookSignature.sign("whsec_test-secret", 1767225600L, BODY));
    }

    @Test
    void receiverVerifiesAndDetectsTampering() {
        String secret = WebhookSignature.newSecret();
        String sig = WebhookSignature.sign(secret, 1767225600L, BODY);
        assertTrue(WebhookSignature.verify(secret, "1767225600", sig, BODY));
        byte[] tampered = "{\"alertId\":\"a2\"}".getBytes(StandardCharsets.UTF_8);
        assertFalse(WebhookSignature.verify(secret, "1767225600", sig, tampered), "body changed");
        assertFalse(WebhookSignature.verify(secret, "1767225601", sig, BODY), "timestamp changed");
        assertFalse(WebhookSignature.verify(WebhookSignature.newSecret(), "1767225600", sig, BODY), "other secret");
        assertFalse(WebhookSignature.verify(secret, "not-a-number", sig, BODY));
        assertFalse(WebhookSignature.verify(secret, "1767225600", null, BODY));
    }

    @Test
    void generatedSecretsAreLongAndDistinct() {
        String a = WebhookSignature.newSecret();
        assertTrue(a.startsWith("whsec_") && a.length() == 6 + 43, a);
        assertTrue(a.length() >= WebhookSignature.MIN_SECRET_LENGTH);
        assertNotEquals(a, WebhookSignature.newSecret());
    }
}
