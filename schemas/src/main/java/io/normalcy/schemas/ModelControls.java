package io.normalcy.schemas;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelControlAction;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.SignatureException;
import java.time.Instant;
import javax.crypto.Mac;
import javax.crypto.SecretKey;

/**
 * Building, signing and verifying {@link ModelControl} records (pin, unpin, retire) with the trainer's model
 * signing key: HMAC-SHA256 or Ed25519 over the 32-byte SHA-256 of the canonical payload, as for model versions.
 *
 * <p><b>Canonical payload</b> (exact rule): the UTF-8 text {@code normalcy.ModelControl.v1}, then, in this order,
 * {@code model}, {@code action} name, {@code version}, {@code sequence}, {@code issuedAt} (epoch millis),
 * {@code reason}, {@code keyId}; each string as a 4-byte big-endian length (-1 for null) followed by its UTF-8
 * bytes, each long as 8 big-endian bytes (a null version as a 0 flag byte, else a 1 flag byte and the long).
 * Why not the Avro body: an explicit rule does not change when fields are added to the schema, and the key id is
 * covered, so a control cannot be re-labelled to another key.
 */
public final class ModelControls {
    static final String DOMAIN = "normalcy.ModelControl.v1";

    private ModelControls() {
    }

    /** An unsigned PIN of {@code version}. */
    public static ModelControl pin(String model, long version, long sequence, Instant issuedAt, String reason,
                                   String keyId) {
        return build(model, ModelControlAction.PIN, version, sequence, issuedAt, reason, keyId);
    }

    /** An unsigned UNPIN (serve the newest accepted version again). */
    public static ModelControl unpin(String model, long sequence, Instant issuedAt, String reason, String keyId) {
        return build(model, ModelControlAction.UNPIN, null, sequence, issuedAt, reason, keyId);
    }

    /** An unsigned RETIRE of {@code version}. */
    public static ModelControl retire(String model, long version, Instant issuedAt, String reason, String keyId) {
        return build(model, ModelControlAction.RETIRE, version, 0, issuedAt, reason, keyId);
    }

    private static ModelControl build(String model, ModelControlAction action, Long version, long sequence,
                                      Instant issuedAt, String reason, String keyId) {
        return ModelControl.newBuilder().setModel(model).setAction(action).setVersion(version).setSequence(sequence)
                .setIssuedAt(issuedAt).setReason(reason).setKeyId(keyId).build();
    }

    /**
     * What is wrong with the control's fields, or null when they are consistent: a PIN and a RETIRE name a version
     * ≥ 1, an UNPIN none; PIN/UNPIN carry a sequence ≥ 1; the model name can be part of a key.
     */
    public static String problem(ModelControl c) {
        if (!ModelKeys.isValidModelName(c.getModel())) {
            return "model name '" + c.getModel() + "' is empty or contains '" + ModelKeys.SEPARATOR + "'";
        }
        boolean needsVersion = c.getAction() != ModelControlAction.UNPIN;
        if (needsVersion && (c.getVersion() == null || c.getVersion() < 1)) {
            return c.getAction() + " needs a version >= 1, got " + c.getVersion();
        }
        if (!needsVersion && c.getVersion() != null) {
            return "UNPIN names no version, got " + c.getVersion();
        }
        if (c.getAction() != ModelControlAction.RETIRE && c.getSequence() < 1) {
            return c.getAction() + " needs a sequence >= 1, got " + c.getSequence();
        }
        return null;
    }

    /** SHA-256 of the canonical payload (class doc). */
    public static byte[] digest(ModelControl c) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(DOMAIN.getBytes(StandardCharsets.UTF_8));
            string(out, c.getModel());
            string(out, c.getAction() == null ? null : c.getAction().name());
            if (c.getVersion() == null) {
                out.writeByte(0);
            } else {
                out.writeByte(1);
                out.writeLong(c.getVersion());
            }
            out.writeLong(c.getSequence());
            out.writeLong(c.getIssuedAt() == null ? 0 : c.getIssuedAt().toEpochMilli());
            string(out, c.getReason());
            string(out, c.getKeyId());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return AlertIds.sha256(bytes.toByteArray());
    }

    /**
     * A copy of {@code c} signed with {@code key}: a {@link SecretKey} (HMAC-SHA256) or an Ed25519
     * {@link PrivateKey}. Set {@code keyId} before signing: it is covered.
     */
    public static ModelControl sign(ModelControl c, Key key) throws GeneralSecurityException {
        byte[] d = digest(c);
        String algorithm;
        byte[] sig;
        if (key instanceof SecretKey secret) {
            algorithm = "HmacSHA256";
            sig = hmac(secret, d);
        } else if (key instanceof PrivateKey priv) {
            algorithm = "Ed25519";
            Signature s = Signature.getInstance(algorithm);
            s.initSign(priv);
            s.update(d);
            sig = s.sign();
        } else {
            throw new InvalidKeyException("signing needs a SecretKey (HMAC) or an Ed25519 PrivateKey, got "
                    + (key == null ? "null" : key.getClass().getName()));
        }
        return ModelControl.newBuilder(c).setSignature(ByteBuffer.wrap(sig)).setSignatureAlgorithm(algorithm).build();
    }

    /**
     * Checks that {@code c} is signed with {@code key} (a {@link SecretKey} or an Ed25519 {@link PublicKey}).
     *
     * @throws SignatureException naming what failed (unsigned, wrong algorithm, signature does not verify)
     */
    public static void verify(ModelControl c, Key key) throws SignatureException {
        String name = c.getAction() + " of " + c.getModel();
        if (c.getSignature() == null || c.getSignatureAlgorithm() == null) {
            throw new SignatureException(name + " is not signed");
        }
        byte[] d = digest(c);
        byte[] sig = new byte[c.getSignature().remaining()];
        c.getSignature().duplicate().get(sig);
        boolean ok;
        try {
            if (key instanceof SecretKey secret) {
                requireAlgorithm(name, c.getSignatureAlgorithm(), "HmacSHA256");
                ok = MessageDigest.isEqual(sig, hmac(secret, d));
            } else if (key instanceof PublicKey pub) {
                requireAlgorithm(name, c.getSignatureAlgorithm(), "Ed25519");
                Signature s = Signature.getInstance("Ed25519");
                s.initVerify(pub);
                s.update(d);
                ok = s.verify(sig);
            } else {
                throw new SignatureException("verifying needs a SecretKey (HMAC) or an Ed25519 PublicKey");
            }
        } catch (SignatureException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new SignatureException(name + ": signature cannot be verified (" + e.getMessage() + ")", e);
        }
        if (!ok) {
            throw new SignatureException(name + ": " + c.getSignatureAlgorithm() + " signature does not verify");
        }
    }

    private static void requireAlgorithm(String name, String actual, String expected) throws SignatureException {
        if (!expected.equals(actual)) {
            throw new SignatureException(name + " is signed with " + actual + " but the verification key is for "
                    + expected);
        }
    }

    private static byte[] hmac(SecretKey key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(key);
        return mac.doFinal(data);
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
