package io.normalcy.detector.model;

import io.normalcy.avro.ModelVersion;
import io.normalcy.detector.config.SigningSettings;
import io.normalcy.flow.state.InvalidModelException;
import io.normalcy.flow.state.ModelSigner;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Enforces the configured model signature (HMAC-SHA256 shared secret or Ed25519 public key) through
 * {@link ModelSigner#verify}: the signature covers the 32 digest bytes and the digest the whole canonical payload,
 * so a verified model is authentic end to end. With Ed25519 a compromised detector cannot forge models.
 */
public final class ModelSignatureVerifier {
    private final Key key;

    /** @throws IllegalArgumentException naming the key when the configured public key cannot be parsed */
    public ModelSignatureVerifier(SigningSettings settings) {
        if (settings.ed25519PublicKey() != null) {
            try {
                byte[] der = Base64.getDecoder().decode(settings.ed25519PublicKey());
                this.key = KeyFactory.getInstance(ModelSigner.ED25519).generatePublic(new X509EncodedKeySpec(der));
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                throw new IllegalArgumentException("normalcy.detector.signing.ed25519-public-key is not a Base64 "
                        + "X.509 Ed25519 public key: " + e.getMessage(), e);
            }
        } else if (settings.hmacSecret() != null) {
            // same encoding as the trainer's normalcy.trainer.hmac-key: Base64 of the raw secret bytes
            try {
                this.key = ModelSigner.hmacKey(Base64.getDecoder().decode(settings.hmacSecret().trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("normalcy.detector.signing.hmac-secret is not Base64 (use the "
                        + "same value as the trainer's normalcy.trainer.hmac-key): " + e.getMessage(), e);
            }
        } else {
            this.key = null;
        }
    }

    public boolean enabled() {
        return key != null;
    }

    /** @return the verified algorithm, or null when no key is configured */
    public String verify(ModelVersion mv) throws ModelRejectedException {
        if (key == null) {
            return null;
        }
        try {
            ModelSigner.verify(mv, key);
        } catch (InvalidModelException e) {
            throw new ModelRejectedException("signature", e.getMessage(), e);
        }
        return mv.getSignatureAlgorithm();
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
