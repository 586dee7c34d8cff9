package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a {@link LayerType} needs to add its ops to the training graph: the {@link SameDiff} instance, the context
 * placeholder and the initial parameters, and the book-keeping of which tensors became variables. Every trainable
 * tensor becomes one SameDiff variable named {@link #variableName}; structural tensors (integer codes such as
 * permutations and MADE degrees) are graph constants and are copied through unchanged when the weights are read
 * back. Built and used by {@code FlowGraph} only.
 */
public final class LayerGraph {
    private final SameDiff sd;
    private final FlowSpec spec;
    private final FlowParameters params;
    private final SDVariable context;
    private final Map<String, String> trainable = new LinkedHashMap<>();
    private final Map<String, Tensor> structural = new LinkedHashMap<>();

    /**
     * @param context the [B, C] context placeholder, null when C = 0
     * @param params  initial values of every tensor of the spec
     */
    public LayerGraph(SameDiff sd, FlowSpec spec, FlowParameters params, SDVariable context) {
        this.sd = sd;
        this.spec = spec;
        this.params = params;
        this.context = context;
    }

    /** The graph output of one layer: y and log|det ∂y/∂x| (null when volume preserving). */
    public record Output(SDVariable y, SDVariable logDet) {
    }

    /**
     * SameDiff variable name of a tensor: SameDiff reserves some characters in names, so '.' becomes '_'.
     */
    public static String variableName(String tensorName) {
        return tensorName.replace('.', '_');
    }

    public SameDiff sameDiff() {
        return sd;
    }

    public FlowSpec spec() {
        return spec;
    }

    /** The [B, C] context placeholder, or null when the spec has no context. */
    public SDVariable context() {
        return context;
    }

    /**
     * A trainable variable initialised with tensor {@code name}, which must have {@code shape}.
     *
     * @throws IllegalArgumentException naming a missing or misshapen tensor
     */
    public SDVariable trainable(String name, int... shape) {
        Tensor t = params.require(name, shape);
        String v = variableName(name);
        trainable.put(name, v);
        long[] longShape = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            longShape[i] = shape[i];
        }
        return sd.var(v, Nd4j.create(t.data().clone(), longShape, 'c'));
    }

    /** A structural tensor (not trained, copied through to the trained parameters). */
    public Tensor structural(String name, int... shape) {
        Tensor t = params.require(name, shape);
        structural.put(name, t);
        return t;
    }

    /** A [rows, cols] constant, created on first use and shared by every layer asking for the same name. */
    public SDVariable constant(String name, int rows, int cols, Supplier<float[]> values) {
        if (sd.hasVariable(name)) {
            return sd.getVariable(name);
        }
        return sd.constant(name, Nd4j.create(values.get(), new long[] {rows, cols}, 'c'));
    }

    /** Trainable tensor name → SameDiff variable name, in creation order. */
    public Map<String, String> trainableVariables() {
        return Collections.unmodifiableMap(trainable);
    }

    /** Structural tensors by name, in creation order. */
    public Map<String, Tensor> structuralTensors() {
        return Collections.unmodifiableMap(structural);
    }
}
