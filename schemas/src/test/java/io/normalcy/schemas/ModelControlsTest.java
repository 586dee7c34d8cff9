package io.normalcy.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelControlAction;
import io.normalcy.schemas.serde.ModelsTopicDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SignatureException;
import java.time.Instant;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class ModelControlsTest {
    private static final Instant T = Instant.parse("2026-05-01T10:00:00Z");
    private static final SecretKeySpec HMAC = new SecretKeySpec(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII), "HmacSHA256");

    @Test
    void hmacSignedControlsVerifyAndEveryFieldIsCovered() throws Exception {
        ModelControl pin = ModelControls.sign(ModelControls.pin("payments", 3, 7, T, "rollback", "k1"), HMAC);
        assertEquals("HmacSHA256", pin.getSignatureAlgorithm());
        assertDoesNotThrow(() -> ModelControls.verify(pin, HMAC));
        for (ModelControl changed : new ModelControl[] {
                ModelControl.newBuilder(pin).setVersion(2L).build(),
                ModelControl.newBuilder(pin).setSequence(8).build(),
                ModelControl.newBuilder(pin).setModel("other").build(),
                ModelControl.newBuilder(pin).setAction(ModelControlAction.RETIRE).build(),
                ModelControl.newBuilder(pin).setIssuedAt(T.plusMillis(1)).build(),
                ModelControl.newBuilder(pin).setReason("other").build(),
                ModelControl.newBuilder(pin).setKeyId("k2").build()}) {
            SignatureException e = assertThrows(SignatureException.class, () -> ModelControls.verify(changed, HMAC));
            assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
        }
        ModelControl unsigned = ModelControls.unpin("payments", 8, T, null, null);
        assertTrue(assertThrows(SignatureException.class, () -> ModelControls.verify(unsigned, HMAC)).getMessage()
                .contains("not signed"));
    }

    @Test
    void ed25519SignedControlsVerifyWithThePublicKeyOnly() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ModelControl retire = ModelControls.sign(ModelControls.retire("payments", 1, T, "keep-versions=5", null),
                pair.getPrivate());
        assertEquals("Ed25519", retire.getSignatureAlgorithm());
        assertDoesNotThrow(() -> ModelControls.verify(retire, pair.getPublic()));
        KeyPair other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThrows(SignatureException.class, () -> ModelControls.verify(retire, other.getPublic()));
        SignatureException wrongKind = assertThrows(SignatureException.class, () -> ModelControls.verify(retire, HMAC));
        assertTrue(wrongKind.getMessage().contains("signed with Ed25519"), wrongKind.getMessage());
    }

    @Test
    void problemsAndKeysFollowTheAction() {
        assertNull(ModelControls.problem(ModelControls.pin("payments", 3, 1, T, null, null)));
        assertNull(ModelControls.problem(ModelControls.unpin("payments", 2, T, null, null)));
        assertNull(ModelControls.problem(ModelControls.retire("payments", 1, T, null, null)));
        assertTrue(ModelControls.problem(ModelControls.pin("payments", 0, 1, T, null, null)).contains("version"));
        assertTrue(ModelControls.problem(ModelControls.pin("payments", 3, 0, T, null, null)).contains("sequence"));
        assertTrue(ModelControls.problem(ModelControls.pin("a/b", 3, 1, T, null, null)).contains("'/'"));
        assertEquals("payments/pin/12", ModelKeys.expectedKey(ModelControls.pin("payments", 3, 12, T, null, null)));
        assertEquals("payments/pin/13", ModelKeys.expectedKey(ModelControls.unpin("payments", 13, T, null, null)));
        assertEquals("payments/v4", ModelKeys.expectedKey(ModelControls.retire("payments", 4, T, null, null)));
        assertEquals("payments/v4", ModelKeys.versionKey("payments", 4));
        assertEquals("payments", ModelKeys.modelOf("payments/pin/3"));
        assertTrue(ModelKeys.isLegacyKey("payments", "payments"));
        assertFalse(ModelKeys.isLegacyKey("payments/v1", "payments"));
    }

    @Test
    void theDecoderTellsVersionsControlsAndJunkApart() {
        ModelsTopicDecoder d = new ModelsTopicDecoder();
        ModelControl c = ModelControls.pin("payments", 3, 1, T, null, null);
        ModelsTopicDecoder.Decoded control = d.decode("m", d.encode("m", c));
        assertFalse(control.isVersion());
        assertEquals(c, control.control());
        ModelsTopicDecoder.Decoded version = d.decode("m", d.encode("m", Fixtures.modelVersionMinimal()));
        assertTrue(version.isVersion());
        assertEquals(Fixtures.modelVersionMinimal().getModel(), version.version().getModel());
        assertNull(d.decode("m", null));
        for (byte[] junk : new byte[][] {{}, {(byte) 0xC3}, {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 9},
                "{\"model\":\"x\"}".getBytes(StandardCharsets.UTF_8)}) {
            assertThrows(SerializationException.class, () -> d.decode("m", junk));
        }
        byte[] truncated = d.encode("m", c);
        byte[] cut = java.util.Arrays.copyOf(truncated, truncated.length - 3);
        assertThrows(SerializationException.class, () -> d.decode("m", cut));
        assertArrayEquals(d.encode("m", c), d.encode("m", control.control()));
    }
}
