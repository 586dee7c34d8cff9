package io.normalcy.detector.config;

/**
 * Optional key that every model version must be signed with (the models topic is then not a way to inject a
 * model: only holders of the signing key can publish one the detector accepts). At most one of the two is set;
 * none = signatures are not checked.
 *
 * @param hmacSecret       shared HMAC-SHA256 secret, Base64 (as the trainer's normalcy.trainer.hmac-key), or null
 * @param ed25519PublicKey Ed25519 public key, Base64 of the X.509 (SubjectPublicKeyInfo) encoding, or null
 */
public record SigningSettings(String hmacSecret, String ed25519PublicKey) {
    public SigningSettings {
        hmacSecret = blankToNull(hmacSecret);
        ed25519PublicKey = blankToNull(ed25519PublicKey);
        if (hmacSecret != null && ed25519PublicKey != null) {
            throw new IllegalArgumentException("set only one of normalcy.detector.signing.hmac-secret and "
                    + "normalcy.detector.signing.ed25519-public-key");
        }
    }

    public static SigningSettings none() {
        return new SigningSettings(null, null);
    }

    public boolean enabled() {
        return hmacSecret != null || ed25519PublicKey != null;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    @Override
    public String toString() {
        return "SigningSettings[" + (hmacSecret != null ? "hmac" : ed25519PublicKey != null ? "ed25519" : "none") + "]";
    }
}
