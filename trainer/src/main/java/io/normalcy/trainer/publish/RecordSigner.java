package io.normalcy.trainer.publish;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.state.ModelSigner;
import io.normalcy.schemas.ModelControls;
import io.normalcy.schemas.ModelDigests;
import io.normalcy.schemas.ModelKeys;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;

/**
 * The trainer's signing key and its id ({@code normalcy.trainer.signing-key-id}), applied to everything it
 * publishes: model versions (signature over the digest; the id travels in the {@link ModelKeys#KEY_ID_HEADER}
 * header, since format version 1 of ModelVersion has no field for it) and control records (the id is a signed field).
 * Detectors verify with the key configured under that id, which is what makes key rotation possible.
 *
 * @param key   HMAC {@code SecretKey} or Ed25519 {@code PrivateKey}; null = publish unsigned (digest only)
 * @param keyId id of {@code key} as detectors know it
 */
public record RecordSigner(Key key, String keyId) {

    /** Publishes unsigned records. */
    public static RecordSigner none() {
        return new RecordSigner(null, null);
    }

    public boolean enabled() {
        return key != null;
    }

    /** Digest, and signature when a key is configured. */
    public ModelVersion sign(ModelVersion mv) throws GeneralSecurityException {
        return key == null ? ModelDigests.withDigest(mv) : ModelSigner.sign(mv, key);
    }

    /** Sets the key id and signs (unsigned, without key id, when no key is configured). */
    public ModelControl sign(ModelControl c) throws GeneralSecurityException {
        if (key == null) {
            return ModelControl.newBuilder(c).setKeyId(null).setSignature(null).setSignatureAlgorithm(null).build();
        }
        return ModelControls.sign(ModelControl.newBuilder(c).setKeyId(keyId).build(), key);
    }

    /** Headers of a published model version: the key id when signed. */
    public RecordHeaders headers() {
        RecordHeaders h = new RecordHeaders();
        if (key != null && keyId != null) {
            h.add(ModelKeys.KEY_ID_HEADER, keyId.getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    @Override
    public String toString() {
        return key == null ? "unsigned" : key.getAlgorithm() + " key '" + keyId + "'";
    }
}
