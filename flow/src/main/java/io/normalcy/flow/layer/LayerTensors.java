package io.normalcy.flow.layer;

import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.Tensor;
import java.util.Random;

/**
 * Helpers the layer types share: tensor names, the value checks of untrusted parameters and the random
 * initialisers. Float-coded integers (permutations, degrees) are decoded here, once, for the validator, the
 * kernel and the graph.
 */
final class LayerTensors {
    /** |log-scale| bound for ActNorm scale and LU logdiag: exp(±80) is still far from overflow. */
    static final double MAX_ABS_LOG_SCALE = 80.0;

    private LayerTensors() {
    }

    /** Contract name of tensor {@code local} of block {@code block}: {@code b{block}.{local}}. */
    static String name(int block, String local) {
        return "b" + block + "." + local;
    }

    /** Decodes a float-coded integer tensor, naming it when a value is fractional or outside [min, max]. */
    static int[] integers(Tensor t, String name, int min, int max) {
        float[] a = t.data();
        int[] r = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            float f = a[i];
            if (f != Math.rint(f) || f < min || f > max) {
                throw new IllegalArgumentException("tensor '" + name + "' must hold integers in [" + min + ", "
                        + max + "], got " + f + " at index " + i);
            }
            r[i] = (int) f;
        }
        return r;
    }

    /** Float-coded integer tensor [n] (degrees, permutations). */
    static Tensor intTensor(int[] values) {
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = values[i];
        }
        return new Tensor(new int[] {values.length}, f);
    }

    /** Rejects log-scales whose exp() could overflow. */
    static void checkLogScale(FlowParameters params, String name) {
        float[] a = params.get(name).data();
        for (int i = 0; i < a.length; i++) {
            if (Math.abs(a[i]) > MAX_ABS_LOG_SCALE) {
                throw new IllegalArgumentException("tensor '" + name + "' value " + a[i] + " at index " + i
                        + " is outside [-" + MAX_ABS_LOG_SCALE + ", " + MAX_ABS_LOG_SCALE + "]");
            }
        }
    }

    /** N(0, std²) entries. */
    static Tensor gaussian(int[] shape, double std, Random rng) {
        Tensor t = Tensor.zeros(shape);
        float[] a = t.data();
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextGaussian() * std);
        }
        return t;
    }

    /** N(0, std²) entries, exact zeros where {@code mask} is 0 (draws for every entry, masked or not). */
    static Tensor masked(int[] shape, float[] mask, double std, Random rng) {
        Tensor t = gaussian(shape, std, rng);
        float[] a = t.data();
        for (int i = 0; i < a.length; i++) {
            if (mask[i] == 0f) {
                a[i] = 0f;
            }
        }
        return t;
    }
}
