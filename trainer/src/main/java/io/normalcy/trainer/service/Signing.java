package io.normalcy.trainer.service;

import io.normalcy.flow.state.ModelSigner;
import io.normalcy.trainer.config.ConfigException;
import io.normalcy.trainer.config.TrainerConfig;
import io.normalcy.trainer.publish.RecordSigner;

import java.security.Key;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

/** Signing key from configuration: Ed25519 (PKCS#8, base64) preferred, else HMAC-SHA256 (base64 secret), else none. */
public final class Signing {
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private Signing() {
    }

    /**
     * The configured key with its id ({@code normalcy.trainer.signing-key-id}, sent with every record so detectors
     * pick the matching verification key: {@code normalcy.detector.signing.keys.<id>}, or their default key for
     * the id {@code default}).
     *
     * @throws ConfigException naming the key when a key or the key id is malformed
     */
    public static RecordSigner signer(TrainerConfig config) {
        Key key = key(config.ed25519PrivateKey(), config.hmacKey());
        String id = config.signingKeyId() == null ? "" : config.signingKeyId().trim();
        if (key != null && !KEY_ID.matcher(id).matches()) {
            throw new ConfigException("normalcy.trainer.signing-key-id", "'" + config.signingKeyId()
                    + "' is not a key id: 1-64 of [A-Za-z0-9._-] (the detector's normalcy.detector.signing.keys.<id>)");
        }
        return key == null ? RecordSigner.none() : new RecordSigner(key, id);
    }

    public static Key key(String ed25519PrivateKey, String hmacKey) {
        if (ed25519PrivateKey != null && !ed25519PrivateKey.isBlank()) {
            try {
                byte[] der = Base64.getDecoder().decode(ed25519PrivateKey.trim());
                return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (Exception e) {
                throw new ConfigException("normalcy.trainer.ed25519-private-key",
                        "not a base64 PKCS#8 Ed25519 private key (" + e.getMessage() + ")");
            }
        }
        if (hmacKey != null && !hmacKey.isBlank()) {
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(hmacKey.trim());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("normalcy.trainer.hmac-key", "not base64");
            }
            if (secret.length < 16) {
                throw new ConfigException("normalcy.trainer.hmac-key", "too short: use at least 32 random bytes");
            }
            return ModelSigner.hmacKey(secret);
        }
        return null;
    }
}
