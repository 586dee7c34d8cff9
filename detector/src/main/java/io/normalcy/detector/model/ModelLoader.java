package io.normalcy.detector.model;

import io.normalcy.avro.ModelControl;
import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.state.InvalidModelException;
import io.normalcy.flow.state.ModelStateMapper;
import io.normalcy.schemas.serde.ModelsTopicDecoder;

import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Turns the bytes of a {@code normalcy.models} record into a model version or a control record, and a model
 * version into a {@link LoadedModel}, or says precisely why not: Avro decoding, full validation by
 * {@link ModelStateMapper#fromState} (format version, digest, tensor shapes, finiteness, degrees, thresholds) and,
 * when keys are configured, the signature. Stateless apart from its configuration; safe to share.
 */
public final class ModelLoader {
    private final ModelsTopicDecoder decoder = new ModelsTopicDecoder();
    private final ModelSignatureVerifier verifier;
    private final Clock clock;

    public ModelLoader(ModelSignatureVerifier verifier, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether signatures are checked (then deletions and controls must be signed too). */
    public boolean signaturesRequired() {
        return verifier.enabled();
    }

    /** Decodes only (to learn the record type, name and version before the expensive validation); null = tombstone. */
    public ModelsTopicDecoder.Decoded decode(String topic, byte[] value) throws ModelRejectedException {
        try {
            return decoder.decode(topic, value);
        } catch (RuntimeException e) {
            throw new ModelRejectedException(RejectionReason.UNDECODABLE, e.getMessage(), e);
        }
    }

    /**
     * Validates and builds the runtime model.
     *
     * @param keyId key id the record names (header), null = any configured key
     */
    public LoadedModel load(ModelVersion mv, String keyId) throws ModelRejectedException {
        // the signature first: it is cheap, and a forged record must not cost a full validation
        ModelSignatureVerifier.Verified v = verifier.verify(mv, keyId);
        NormalcyModel model;
        try {
            model = ModelStateMapper.fromState(mv);
        } catch (InvalidModelException e) {
            throw new ModelRejectedException(RejectionReason.INVALID, "model " + mv.getModel() + " v" + mv.getVersion()
                    + " is invalid: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelRejectedException(RejectionReason.INVALID, "model " + mv.getModel() + " v" + mv.getVersion()
                    + " cannot be loaded: " + e, e);
        }
        String digest = HexFormat.of().formatHex(ModelSignatureVerifier.bytes(mv.getDigest()));
        return LoadedModel.of(model, digest, v == null ? null : v.algorithm(), clock.instant(),
                v == null ? null : v.keyId());
    }

    /** Checks a control record's signature (nothing when no key is configured). */
    public void verify(ModelControl control) throws ModelRejectedException {
        verifier.verify(control);
    }
}
