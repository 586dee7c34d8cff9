package io.normalcy.flow.state;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.avro.ModelVersion;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class ModelSignerTest {
    private final ModelVersion state = ModelStateMapper.toState(TestModels.model());
    private final SecretKey secret = ModelSigner.hmacKey("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));

    @Test
    void hmacSignAndVerify() throws Exception {
        ModelVersion signed = ModelSigner.sign(state, secret);
        assertEquals(ModelSigner.HMAC_SHA256, signed.getSignatureAlgorithm());
        assertEquals(state.getDigest(), signed.getDigest(), "signing does not change the digest");
        assertDoesNotThrow(() -> ModelSigner.verify(signed, secret));
        assertDoesNotThrow(() -> ModelStateMapper.fromState(signed));
        SecretKey other = ModelSigner.hmacKey("another secret another secret !!".getBytes(StandardCharsets.UTF_8));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelSigner.verify(signed, other));
        assertTrue(e.getMessage().contains("does not verify"), e.getMessage());
    }

    @Test
    void ed25519SignAndVerify() throws Exception {
        KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        ModelVersion signed = ModelSigner.sign(state, kp.getPrivate());
        assertEquals(ModelSigner.ED25519, signed.getSignatureAlgorithm());
        assertDoesNotThrow(() -> ModelSigner.verify(signed, kp.getPublic()));
        KeyPair wrong = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        assertThrows(InvalidModelException.class, () -> ModelSigner.verify(signed, wrong.getPublic()));
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelSigner.verify(signed, secret));
        assertTrue(e.getMessage().contains("signed with Ed25519"), e.getMessage());
    }

    @Test
    void unsignedOrTamperedModelsFail() throws Exception {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> ModelSigner.verify(state, secret));
        assertTrue(e.getMessage().contains("not signed"), e.getMessage());
        ModelVersion signed = ModelSigner.sign(state, secret);
        ModelVersion tampered = ModelVersion.newBuilder(signed).setVersion(signed.getVersion() + 1).build();
        e = assertThrows(InvalidModelException.class, () -> ModelSigner.verify(tampered, secret));
        assertTrue(e.getMessage().contains("digest"), e.getMessage());
    }
}
