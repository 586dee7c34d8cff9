package io.normalcy.detector.model;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.detector.config.SigningSettings;
import io.normalcy.flow.state.InvalidModelException;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.ModelControls;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.SignatureException;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Enforces the configured signing keys (HMAC-SHA256 shared secrets or Ed25519 public keys, each under an id, see
 * {@link SigningSettings}) on model versions (through {@link ModelSigner#verify}: the signature covers the 32 digest
 * bytes and the digest the whole canonical payload, so a verified model is authentic end to end) and on control
 * records ({@link ModelControls#verify}). With Ed25519 a compromised detector cannot forge records.
 *
 * <p>A record that names its key id is verified with that key only; an id that is not configured is rejected
 * ({@code unknown-key}), so removing a key from the configuration distrusts everything it signed. A record without
 * an id (older trainers; a version restored from the global store, which keeps no headers) is accepted when any
 * configured key verifies it: the id only selects the key, the signature is what is checked.
 */
public final class ModelSignatureVerifier {
    private final Map<String, Key> keys;

    /** The verified key, as shown by {@code GET /models}. */
    public record Verified(String algorithm, String keyId) {
    }

    /** @throws IllegalArgumentException naming the configuration key when a configured key cannot be parsed */
    public ModelSignatureVerifier(SigningSettings settings) {
        Map<String, Key> parsed = new LinkedHashMap<>();
        settings.all().forEach((id, k) -> parsed.put(id, parse(settings.prefixOf(id), k)));
        this.keys = java.util.Collections.unmodifiableMap(parsed); // the default key first, then by id
    }

    private static Key parse(String prefix, SigningSettings.KeySettings k) {
        if (k.ed25519PublicKey() != null) {
            try {
                byte[] der = Base64.getDecoder().decode(k.ed25519PublicKey());
                return KeyFactory.getInstance(ModelSigner.ED25519).generatePublic(new X509EncodedKeySpec(der));
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                throw new IllegalArgumentException(prefix + "ed25519-public-key is not a Base64 X.509 Ed25519 "
                        + "public key: " + e.getMessage(), e);
            }
        }
        // same encoding as the trainer's normalcy.trainer.hmac-key: Base64 of the raw secret bytes
        try {
            return ModelSigner.hmacKey(Base64.getDecoder().decode(k.hmacSecret().trim()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(prefix + "hmac-secret is not Base64 (use the same value as the "
                    + "trainer's normalcy.trainer.hmac-key): " + e.getMessage(), e);
        }
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** @return the verified algorithm, or null when no key is configured (any key may have signed it) */
    public String verify(ModelVersion mv) throws ModelRejectedException {
        Verified v = verify(mv, null);
        return v == null ? null : v.algorithm();
    }

    /**
     * @param keyId the key the record names (header {@code normalcy.signing.key-id}), null = any configured key
     * @return the verified algorithm and key id, or null when no key is configured
     */
    public Verified verify(ModelVersion mv, String keyId) throws ModelRejectedException {
        return check(keyId, "model " + mv.getModel() + " v" + mv.getVersion(), key -> {
            try {
                ModelSigner.verify(mv, key);
            } catch (InvalidModelException e) {
                throw new SignatureException(e.getMessage(), e);
            }
        }, mv.getSignatureAlgorithm());
    }

    /** As {@link #verify(ModelVersion, String)} for a control record, which names its key in {@code keyId}. */
    public Verified verify(ModelControl c) throws ModelRejectedException {
        return check(c.getKeyId(), c.getAction() + " of " + c.getModel(), key -> ModelControls.verify(c, key),
                c.getSignatureAlgorithm());
    }

    private interface Check {
        void verify(Key key) throws SignatureException;
    }

    private Verified check(String keyId, String what, Check check, String algorithm) throws ModelRejectedException {
        if (keys.isEmpty()) {
            return null;
        }
        if (keyId != null) {
            Key key = keys.get(keyId);
            if (key == null) {
                throw new ModelRejectedException(RejectionReason.UNKNOWN_KEY, what + " is signed with key id '" + keyId
                        + "', which is not configured (normalcy.detector.signing; known: " + keys.keySet() + ")", null);
            }
            try {
                check.verify(key);
            } catch (SignatureException e) {
                throw new ModelRejectedException(RejectionReason.SIGNATURE, e.getMessage() + " (key id '" + keyId + "')", e);
            }
            return new Verified(algorithm, keyId);
        }
        List<String> failures = new ArrayList<>();
        for (Map.Entry<String, Key> e : keys.entrySet()) {
            try {
                check.verify(e.getValue());
                return new Verified(algorithm, e.getKey());
            } catch (SignatureException ex) {
                failures.add(e.getKey() + ": " + ex.getMessage());
            }
        }
        throw new ModelRejectedException(RejectionReason.SIGNATURE, what + " names no key id and no configured key verifies it "
                + failures, null);
    }

    static byte[] bytes(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
