package io.normalcy.flow.model;

/**
 * Tensor names of the design contract ({@code docs/design.md}), in one place so the Java kernel,
 * the SameDiff graph and the state mapper cannot drift apart.
 */
public final class ParameterNames {
    private ParameterNames() {
    }

    public static String actNormScale(int block) {
        return "b" + block + ".actnorm.scale";
    }

    public static String actNormBias(int block) {
        return "b" + block + ".actnorm.bias";
    }

    public static String luLower(int block) {
        return "b" + block + ".lu.lower";
    }

    public static String luUpper(int block) {
        return "b" + block + ".lu.upper";
    }

    public static String luLogDiag(int block) {
        return "b" + block + ".lu.logdiag";
    }

    public static String luBias(int block) {
        return "b" + block + ".lu.bias";
    }

    public static String permutation(int block) {
        return "b" + block + ".perm";
    }

    public static String degrees(int block) {
        return "b" + block + ".ar.degrees";
    }

    /** Hidden layer {@code layer} weights [H_l, in_l]. */
    public static String hiddenWeight(int block, int layer) {
        return "b" + block + ".ar.w" + layer;
    }

    /** Hidden layer {@code layer} context weights [H_l, C] (absent when C = 0). */
    public static String hiddenContextWeight(int block, int layer) {
        return "b" + block + ".ar.v" + layer;
    }

    public static String hiddenBias(int block, int layer) {
        return "b" + block + ".ar.b" + layer;
    }

    public static String outputWeight(int block) {
        return "b" + block + ".ar.wout";
    }

    public static String outputContextWeight(int block) {
        return "b" + block + ".ar.vout";
    }

    public static String outputBias(int block) {
        return "b" + block + ".ar.bout";
    }
}
