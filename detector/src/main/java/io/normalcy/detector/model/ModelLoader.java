package io.normalcy.detector.model;

import io.normalcy.avro.ModelVersion;
import io.normalcy.flow.model.NormalcyModel;
import io.normalcy.flow.state.InvalidModelException;
import io.normalcy.flow.state.ModelStateMapper;
import io.normalcy.schemas.serde.AvroSerde;

import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Turns the bytes of a {@code normalcy.models} record into a {@link LoadedModel}, or says precisely why not:
 * Avro decoding, key/name agreement, full validation by {@link ModelStateMapper#fromState} (format version,
 * digest, tensor shapes, finiteness, degrees, thresholds) and, when a key is configured, the signature.
 * Stateless apart from its configuration; safe to share.
 */
public final class ModelLoader {
    private final AvroSerde<ModelVersion> serde = AvroSerde.of(ModelVersion.class);
    private final ModelSignatureVerifier verifier;
    private final Clock clock;

    public ModelLoader(ModelSignatureVerifier verifier, Clock clock) {
        this.verifier = Objects.requireNonNull(verifier, "verifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Decodes only (to learn name and version before the expensive validation). */
    public ModelVersion decode(String topic, byte[] value) throws ModelRejectedException {
        try {
            return serde.deserialize(topic, value);
        } catch (RuntimeException e) {
            throw new ModelRejectedException("undecodable", e.getMessage(), e);
        }
    }

    /** Validates and builds the runtime model. {@code key} is the record key (model name), may be null. */
    public LoadedModel load(String key, ModelVersion mv) throws ModelRejectedException {
        if (key != null && !key.equals(mv.getModel())) {
            throw new ModelRejectedException("name-mismatch", "record key '" + key + "' differs from model name '"
                    + mv.getModel() + "' (version " + mv.getVersion() + ")", null);
        }
        NormalcyModel model;
        try {
            model = ModelStateMapper.fromState(mv);
        } catch (InvalidModelException e) {
            throw new ModelRejectedException("invalid", "model " + mv.getModel() + " v" + mv.getVersion()
                    + " is invalid: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new ModelRejectedException("invalid", "model " + mv.getModel() + " v" + mv.getVersion()
                    + " cannot be loaded: " + e, e);
        }
        String algorithm = verifier.verify(mv);
        String digest = HexFormat.of().formatHex(ModelSignatureVerifier.bytes(mv.getDigest()));
        return LoadedModel.of(model, digest, algorithm, clock.instant());
    }
}
