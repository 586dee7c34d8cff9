package io.normalcy.flow.model;

/**
 * Per feature (in {@link NormalcyModel#featureNames()} order), the central interval [low, high] of its exact
 * conditional distribution under the model given the event's context and its preceding features,
 * p(x_i | x_&lt;i, c), holding probability {@code mass}: from the (1 − mass)/2 to the (1 + mass)/2 quantile, in
 * original units. It answers "what would have been normal here": "amount 5,400 — expected 12–310 given
 * shop=grocery, 03:00 and the preceding features". Computed by {@link Scorer#expectedRanges} on demand.
 * When only some features were asked for (the top features of an alert), the others have NaN ends.
 *
 * @param mass central probability in (0, 1), e.g. 0.99 for the 0.5 %–99.5 % quantiles
 * @param low  lower ends, original units
 * @param high upper ends, original units
 */
public record ExpectedRanges(double mass, double[] low, double[] high) {
    /** The default central mass: the 0.5 % and 99.5 % quantiles. */
    public static final double DEFAULT_MASS = 0.99;

    public ExpectedRanges {
        checkMass(mass);
        if (low == null || high == null || low.length != high.length) {
            throw new IllegalArgumentException("low and high must have the same length");
        }
        low = low.clone();
        high = high.clone();
    }

    @Override
    public double[] low() {
        return low.clone();
    }

    @Override
    public double[] high() {
        return high.clone();
    }

    public double low(int feature) {
        return low[feature];
    }

    public double high(int feature) {
        return high[feature];
    }

    /**
     * The human sentence of one feature's range, the same in alerts and the CLI: "amount 5400 — expected 12–310
     * (99 %) given shop=grocery and the preceding features". Numbers keep 4 significant digits.
     *
     * @param given the conditioning context as text (e.g. "shop=grocery, 03:00"); null or empty for none
     */
    public static String sentence(String feature, double value, double low, double high, double mass, String given) {
        String context = given == null || given.isEmpty() ? "" : given + " and ";
        return feature + " " + number(value) + " — expected " + number(low) + "–" + number(high) + " ("
                + number(100 * mass) + " %) given " + context + "the preceding features";
    }

    /** 4 significant digits, no exponent for ordinary magnitudes, no trailing zeros. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        java.math.BigDecimal d = new java.math.BigDecimal(v).round(new java.math.MathContext(4)).stripTrailingZeros();
        return Math.abs(v) >= 1e-6 && Math.abs(v) < 1e15 || v == 0 ? d.toPlainString() : d.toString();
    }

    /** @throws IllegalArgumentException unless 0 &lt; mass &lt; 1 */
    public static double checkMass(double mass) {
        if (!(mass > 0 && mass < 1)) {
            throw new IllegalArgumentException("expected-range mass must be in (0, 1), got " + mass);
        }
        return mass;
    }
}
