package io.normalcy.flow.simd;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and log over ranges of a float array, from the Vector API's plain arithmetic (multiply, fma, add,
 * compare, integer shifts), all of which C2 compiles to vector instructions.
 *
 * <p>Why not {@code lanewise(VectorOperators.EXP)}: on JDK 17 the Vector API's transcendental operators are not
 * intrinsified here; they fall back to a per-lane loop over {@code Math}/{@code StrictMath} and cost 5–35 ns of CPU per
 * element, more than the scalar {@code Math.exp} (3.7 ns; docs/benchmarks.md "Kernel, session 7"). The kernel evaluates 2 of them per coordinate per MAF block and 4K + 2 per
 * coordinate of the mixture base.
 *
 * <p>Why whole array ranges and no method taking or returning a vector: C2 keeps a vector in a register only when
 * every method it passes through is inlined; a helper that tiered compilation has already compiled on its own (a
 * large C1 body, as vector code is before C2) is not inlined, and each vector crossing the call is then allocated on
 * the heap (a build with such helpers had JMH forks 5–10× slower than others; docs/benchmarks.md). So each method is
 * one loop over arrays, and {@link #tanh} repeats the exp steps instead of calling a vector exp.
 *
 * <p>Accuracy (float, within a few ulp; {@code VectorMathTest}): exp by range reduction x = k·ln 2 + r, |r| ≤ ln2/2,
 * and the Cephes degree-7 polynomial; tanh(y) = sign(y)·(1 − e)/(1 + e) with e = exp(−2|y|), the scalar kernel's
 * formula (absolute error ~1e-7 near 0, where α is only added and exponentiated); log from the exponent and the
 * atanh series of the mantissa. Arguments: exp is clamped to [−87, 88] (e^−87 ≈ 1.6e-38 stands for anything
 * smaller: the kernel only adds such terms to a sum ≥ 1), log expects positive normal floats. Ranges are whole
 * vectors: {@code to − from} a multiple of {@link VectorMade#LANES}.
 */
final class VectorMath {
    private static final VectorSpecies<Float> SPECIES = VectorMade.SPECIES;
    private static final int LANES = VectorMade.LANES;
    /** Integers of the float species' shape (same lane count): the bit patterns of its lanes. */
    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, SPECIES.vectorShape());
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5·2^23: adding it rounds a float of magnitude < 2^22 to an integer held in the low mantissa bits. */
    private static final float ROUND = 12582912f;
    private static final int ROUND_BITS = 0x4B400000;
    private static final float EXP_MIN = -87f;
    private static final float EXP_MAX = 88f;
    private static final float SQRT2 = 1.41421356237309505f;
    private static final float P0 = 1.9875691500E-4f;
    private static final float P1 = 1.3981999507E-3f;
    private static final float P2 = 8.3334519073E-3f;
    private static final float P3 = 4.1665795894E-2f;
    private static final float P4 = 1.6666665459E-1f;
    private static final float P5 = 5.0000001201E-1f;

    private VectorMath() {
    }

    /** a[i] = e^a[i] for i ∈ [from, to). */
    static void exp(float[] a, int from, int to) {
        FloatVector hi = FloatVector.broadcast(SPECIES, -LN2_HI);
        FloatVector lo = FloatVector.broadcast(SPECIES, -LN2_LO);
        FloatVector p2 = FloatVector.broadcast(SPECIES, P2);
        FloatVector p3 = FloatVector.broadcast(SPECIES, P3);
        FloatVector p4 = FloatVector.broadcast(SPECIES, P4);
        FloatVector p5 = FloatVector.broadcast(SPECIES, P5);
        for (int i = from; i < to; i += LANES) {
            FloatVector x = FloatVector.fromArray(SPECIES, a, i).max(EXP_MIN).min(EXP_MAX);
            FloatVector t = x.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(lo, k.fma(hi, x));
            FloatVector p = r.fma(P0, P1).fma(r, p2).fma(r, p3).fma(r, p4).fma(r, p5);
            p = p.mul(r.mul(r)).add(r).add(1f);
            // 2^k: k + 127 into the exponent field (t's bits are ROUND_BITS + k)
            IntVector e = ((IntVector) t.reinterpretAsInts()).add(127 - ROUND_BITS).lanewise(VectorOperators.LSHL, 23);
            p.mul((FloatVector) e.reinterpretAsFloats()).intoArray(a, i);
        }
    }

    /** a[i] = outScale·tanh(inScale·a[i]) for i ∈ [from, to) (the soft clamp c·tanh(y/c)). */
    static void tanh(float[] a, int from, int to, float inScale, float outScale) {
        FloatVector hi = FloatVector.broadcast(SPECIES, -LN2_HI);
        FloatVector lo = FloatVector.broadcast(SPECIES, -LN2_LO);
        FloatVector p2 = FloatVector.broadcast(SPECIES, P2);
        FloatVector p3 = FloatVector.broadcast(SPECIES, P3);
        FloatVector p4 = FloatVector.broadcast(SPECIES, P4);
        FloatVector p5 = FloatVector.broadcast(SPECIES, P5);
        for (int i = from; i < to; i += LANES) {
            FloatVector y = FloatVector.fromArray(SPECIES, a, i).mul(inScale);
            // e = exp(−2|y|) as in exp(), without the upper clamp (the argument is ≤ 0)
            FloatVector x = y.abs().mul(-2f).max(EXP_MIN);
            FloatVector t = x.fma(LOG2E, ROUND);
            FloatVector k = t.sub(ROUND);
            FloatVector r = k.fma(lo, k.fma(hi, x));
            FloatVector p = r.fma(P0, P1).fma(r, p2).fma(r, p3).fma(r, p4).fma(r, p5);
            p = p.mul(r.mul(r)).add(r).add(1f);
            IntVector bits = ((IntVector) t.reinterpretAsInts()).add(127 - ROUND_BITS)
                    .lanewise(VectorOperators.LSHL, 23);
            FloatVector e = p.mul((FloatVector) bits.reinterpretAsFloats());
            FloatVector th = e.neg().add(1f).div(e.add(1f));
            IntVector sign = ((IntVector) y.reinterpretAsInts()).and(0x80000000);
            ((FloatVector) ((IntVector) th.reinterpretAsInts()).or(sign).reinterpretAsFloats()).mul(outScale)
                    .intoArray(a, i);
        }
    }

    /** a[i] = ln a[i] for i ∈ [from, to), a[i] positive normal floats. */
    static void log(float[] a, int from, int to) {
        FloatVector c5 = FloatVector.broadcast(SPECIES, 1f / 5);
        FloatVector c3 = FloatVector.broadcast(SPECIES, 1f / 3);
        FloatVector one = FloatVector.broadcast(SPECIES, 1f);
        FloatVector ln2Lo = FloatVector.broadcast(SPECIES, LN2_LO);
        for (int i = from; i < to; i += LANES) {
            IntVector bits = (IntVector) FloatVector.fromArray(SPECIES, a, i).reinterpretAsInts();
            IntVector exponent = bits.lanewise(VectorOperators.LSHR, 23).sub(127);
            // mantissa m ∈ [1, 2), then into [√½, √2) so that |s| below stays ≤ 0.172
            FloatVector m = (FloatVector) bits.and(0x007FFFFF).or(0x3F800000).reinterpretAsFloats();
            VectorMask<Float> big = m.compare(VectorOperators.GT, SQRT2);
            m = m.blend(m.mul(0.5f), big);
            exponent = exponent.blend(exponent.add(1), big.cast(INTS));
            // the exponent as a float: ROUND_BITS + k read as a float is ROUND + k
            FloatVector k = ((FloatVector) exponent.add(ROUND_BITS).reinterpretAsFloats()).sub(ROUND);
            FloatVector s = m.sub(1f).div(m.add(1f));
            FloatVector s2 = s.mul(s);
            FloatVector series = s2.fma(1f / 9, 1f / 7).fma(s2, c5).fma(s2, c3).fma(s2, one);
            FloatVector logM = s.mul(series).mul(2f);
            k.fma(ln2Lo, logM).add(k.mul(LN2_HI)).intoArray(a, i);
        }
    }
}
