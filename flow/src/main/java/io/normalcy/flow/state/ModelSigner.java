package io.normalcy.flow.state;

import io.normalcy.avro.ModelVersion;
import io.normalcy.schemas.ModelDigests;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * Optional authenticity of models on the (writable-by-anyone-with-ACLs) models topic: a signature over the 32
 * digest bytes, so verifying the signature plus {@link ModelDigests#matches} authenticates the whole record.
 * HMAC-SHA256 with a shared secret (simple, symmetric) or Ed25519 (Bernstein et al. 2012; the detector holds only
 * the public key, so a compromised detector cannot forge models), both from the JDK's {@code java.security}.
 */
public final class ModelSigner {
    public static final String HMAC_SHA256 = "HmacSHA256";
    public static final String ED25519 = "Ed25519";

    private ModelSigner() {
    }

    /** HMAC key from raw secret bytes (at least 32 bytes recommended). */
    public static SecretKey hmacKey(byte[] secret) {
        if (secret == null || secret.length == 0) {
            throw new IllegalArgumentException("HMAC secret must not be empty");
        }
        return new SecretKeySpec(secret.clone(), HMAC_SHA256);
    }

    /**
     * A copy of {@code model} with its digest recomputed and {@code signature}/{@code signatureAlgorithm} set.
     *
     * @param key a {@link SecretKey} (HMAC-SHA256) or an Ed25519 {@link PrivateKey}
     */
    public static ModelVersion sign(ModelVersion model, Key key) throws GeneralSecurityException {
        ModelVersion digested = ModelDigests.withDigest(model);
        byte[] digest = bytes(digested.getDigest());
        String algorithm;
        byte[] sig;
        if (key instanceof SecretKey secret) {
            algorithm = HMAC_SHA256;
            sig = hmac(secret, digest);
        } else if (key instanceof PrivateKey priv) {
            algorithm = ED25519;
            Signature s = Signature.getInstance(ED25519);
            s.initSign(priv);
            s.update(digest);
            sig = s.sign();
        } else {
            throw new InvalidKeyException("signing needs a SecretKey (HMAC) or an Ed25519 PrivateKey, got "
                    + (key == null ? "null" : key.getClass().getName()));
        }
        return ModelVersion.newBuilder(digested).setSignature(ByteBuffer.wrap(sig)).setSignatureAlgorithm(algorithm)
                .build();
    }

    /**
     * Checks that {@code model} is signed with {@code key}'s algorithm, that its digest matches its content and
     * that the signature over the digest verifies.
     *
     * @param key a {@link SecretKey} (HMAC-SHA256) or an Ed25519 {@link PublicKey}
     * @throws InvalidModelException naming what failed
     */
    public static void verify(ModelVersion model, Key key) throws InvalidModelException {
        String name = model.getModel() + " v" + model.getVersion();
        if (model.getSignature() == null || model.getSignatureAlgorithm() == null) {
            throw new InvalidModelException("model " + name + " is not signed");
        }
        if (!ModelDigests.matches(model)) {
            throw new InvalidModelException("model " + name + ": digest does not match the content");
        }
        byte[] digest = bytes(model.getDigest());
        byte[] sig = bytes(model.getSignature());
        String algorithm = model.getSignatureAlgorithm();
        boolean ok;
        try {
            if (key instanceof SecretKey secret) {
                requireAlgorithm(name, algorithm, HMAC_SHA256);
                ok = MessageDigest.isEqual(sig, hmac(secret, digest));
            } else if (key instanceof PublicKey pub) {
                requireAlgorithm(name, algorithm, ED25519);
                Signature s = Signature.getInstance(ED25519);
                s.initVerify(pub);
                s.update(digest);
                ok = s.verify(sig);
            } else {
                throw new InvalidModelException("verifying needs a SecretKey (HMAC) or an Ed25519 PublicKey, got "
                        + (key == null ? "null" : key.getClass().getName()));
            }
        } catch (GeneralSecurityException e) {
            throw new InvalidModelException("model " + name + ": signature cannot be verified (" + e.getMessage()
                    + ")", e);
        }
        if (!ok) {
            throw new InvalidModelException("model " + name + ": " + algorithm + " signature does not verify");
        }
    }

    private static void requireAlgorithm(String name, String actual, String expected) throws InvalidModelException {
        if (!expected.equals(actual)) {
            throw new InvalidModelException("model " + name + " is signed with " + actual + " but the verification key"
                    + " is for " + expected);
        }
    }

    private static byte[] hmac(SecretKey key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance(HMAC_SHA256);
        mac.init(key);
        return mac.doFinal(data);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
