package io.normalcy.detector.model;

import io.normalcy.avro.ModelVersion;
import io.normalcy.detector.config.SigningSettings;
import io.normalcy.detector.topology.TestModels;
import io.normalcy.flow.state.ModelSigner;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key encodings the trainer signs with and the detector verifies with must meet: Ed25519 as a Base64 X.509
 * public key here (the trainer holds the Base64 PKCS#8 private key); HMAC as the same Base64 secret on both sides.
 */
class ModelSignatureVerifierTest {

    private static final ModelVersion MODEL = TestModels.standardNormal("m", 1, 1.0);

    @Test
    void ed25519SignedModelVerifiesWithTheBase64PublicKey() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String publicKey = Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        ModelSignatureVerifier verifier = new ModelSignatureVerifier(new SigningSettings(null, publicKey));

        ModelVersion signed = ModelSigner.sign(MODEL, pair.getPrivate());
        assertEquals(ModelSigner.ED25519, verifier.verify(signed));

        ModelVersion otherKey = ModelSigner.sign(MODEL,
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate());
        assertEquals(RejectionReason.SIGNATURE,
                assertThrows(ModelRejectedException.class, () -> verifier.verify(otherKey)).reason());
        assertThrows(ModelRejectedException.class, () -> verifier.verify(MODEL), "unsigned model");
        byte[] sig = ModelSignatureVerifier.bytes(signed.getSignature());
        sig[0] ^= 1;
        ModelVersion flipped = ModelVersion.newBuilder(signed).setSignature(ByteBuffer.wrap(sig)).build();
        assertThrows(ModelRejectedException.class, () -> verifier.verify(flipped), "tampered signature");
    }

    @Test
    void hmacSecretIsBase64AndABadOneNamesTheKey() throws Exception {
        byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
        ModelSignatureVerifier verifier = new ModelSignatureVerifier(
                new SigningSettings(Base64.getEncoder().encodeToString(secret), null));
        assertEquals(ModelSigner.HMAC_SHA256, verifier.verify(ModelSigner.sign(MODEL, ModelSigner.hmacKey(secret))));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelSignatureVerifier(new SigningSettings("not base64 !", null)));
        assertTrue(e.getMessage().contains("normalcy.detector.signing.hmac-secret"), e.getMessage());
    }

    @Test
    void withoutAKeyNothingIsRequired() throws Exception {
        assertNull(new ModelSignatureVerifier(new SigningSettings(null, null)).verify(MODEL));
    }
}
