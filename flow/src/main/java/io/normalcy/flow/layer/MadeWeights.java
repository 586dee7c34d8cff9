package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;

import java.util.function.IntFunction;

/**
 * The weights of one MADE network (Germain et al. 2015) read from the stored parameters for a scoring kernel: per
 * hidden layer l the input weight {@code w[l]}, context weight {@code v[l]} (null without context) and bias
 * {@code b[l]}, then the output layer's. Shared by the MAF block ({@link MaskedAffineLayer}) and the mixture base
 * ({@link MixtureBaseLayer}), which differ only in their tensor names and output width.
 */
record MadeWeights(double[][] w, double[][] v, double[][] b, double[] wout, double[] vout, double[] bout) {

    /** Tensor names of one MADE: per hidden layer, and of the output layer. */
    record Names(IntFunction<String> weight, IntFunction<String> contextWeight, IntFunction<String> bias,
                 String outputWeight, String outputContextWeight, String outputBias) {
    }

    static MadeWeights read(FlowSpec spec, FlowParameters params, Names names, int outputs) {
        int d = spec.dim();
        int c = spec.contextDim();
        int[] hidden = spec.hidden();
        double[][] w = new double[hidden.length][];
        double[][] v = new double[hidden.length][];
        double[][] b = new double[hidden.length][];
        int in = d;
        for (int l = 0; l < hidden.length; l++) {
            w[l] = params.require(names.weight().apply(l), hidden[l], in).toDoubleArray();
            if (c > 0) {
                v[l] = params.require(names.contextWeight().apply(l), hidden[l], c).toDoubleArray();
            }
            b[l] = params.require(names.bias().apply(l), hidden[l]).toDoubleArray();
            in = hidden[l];
        }
        double[] wout = params.require(names.outputWeight(), outputs, in).toDoubleArray();
        double[] vout = c > 0 ? params.require(names.outputContextWeight(), outputs, c).toDoubleArray() : null;
        double[] bout = params.require(names.outputBias(), outputs).toDoubleArray();
        return new MadeWeights(w, v, b, wout, vout, bout);
    }
}
