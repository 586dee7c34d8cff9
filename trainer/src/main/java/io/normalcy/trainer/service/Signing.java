package io.normalcy.trainer.service;

import io.normalcy.flow.state.ModelSigner;
import io.normalcy.trainer.config.ConfigException;

import java.security.Key;
import java.security.KeyFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/** Signing key from configuration: Ed25519 (PKCS#8, base64) preferred, else HMAC-SHA256 (base64 secret), else none. */
public final class Signing {
    private Signing() {
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
