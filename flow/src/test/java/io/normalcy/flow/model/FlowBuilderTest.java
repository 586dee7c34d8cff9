package io.normalcy.flow.model;

import io.normalcy.flow.transform.Flow;
import io.normalcy.flow.transform.MadeMasks;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowBuilderTest {
    private final FlowSpec spec = new FlowSpec(FlowType.MAF, 4, 2, 2, new int[] {16}, true, true,
            PermutationMode.REVERSE, Ordering.NATURAL, false, 3, 5L);

    private FlowParameters params() {
        FlowParameters p = ParameterInitializer.initialize(spec, new Random(2));
        Random rng = new Random(8);
        for (String n : new String[] {"b0.ar.wout", "b1.ar.wout", "b0.ar.bout"}) {
            float[] a = p.get(n).data();
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (rng.nextGaussian() * 0.3);
            }
        }
        return p;
    }

    @Test
    void rejectsMissingExtraMisshapenAndNonFiniteTensorsByName() {
        FlowParameters missing = params();
        FlowParameters copy = new FlowParameters();
        missing.asMap().forEach((k, v) -> {
            if (!k.equals("b1.lu.bias")) {
                copy.put(k, v);
            }
        });
        assertMessage("'b1.lu.bias'", copy);
        assertMessage("unexpected tensor 'b0.extra'", params().put("b0.extra", Tensor.zeros(1)));
        assertMessage("tensor 'b0.ar.w0' has shape [16, 5]", params().put("b0.ar.w0", Tensor.zeros(16, 5)));
        FlowParameters nan = params();
        nan.get("b1.ar.v0").data()[3] = Float.POSITIVE_INFINITY;
        assertMessage("'b1.ar.v0'", nan);
        FlowParameters perm = params();
        perm.get("b0.perm").data()[0] = 2; // duplicate of index 1's value
        assertMessage("'b0.perm'", perm);
        FlowParameters frac = params();
        frac.get("b1.perm").data()[0] = 0.5f;
        assertMessage("'b1.perm'", frac);
        FlowParameters deg = params();
        deg.get("b0.ar.degrees").data()[1] = 0;
        assertMessage("'b0.ar.degrees'", deg);
        FlowParameters huge = params();
        huge.get("b1.lu.logdiag").data()[0] = 500;
        assertMessage("'b1.lu.logdiag'", huge);
    }

    @Test
    void maskedOutWeightsAreIgnoredButUnmaskedOnesCount() {
        FlowParameters p = params();
        Flow flow = FlowBuilder.build(spec, p);
        double[] u = {0.3, -1.2, 0.8, 2.0};
        double[] c = {0.5, -0.4};
        double before = flow.logProb(u, c);
        int[] deg = spec.degrees(0);
        float[] mask = MadeMasks.inputMask(deg, MadeMasks.hiddenDegrees(deg, 16));
        float[] outMask = MadeMasks.outputMask(deg, MadeMasks.hiddenDegrees(deg, 16));
        FlowParameters masked = p.copy();
        for (int i = 0; i < mask.length; i++) {
            if (mask[i] == 0) {
                masked.get("b0.ar.w0").data()[i] = 50f;
            }
        }
        for (int i = 0; i < outMask.length; i++) {
            if (outMask[i] == 0) {
                masked.get("b0.ar.wout").data()[i] = -50f;
            }
        }
        assertEquals(before, FlowBuilder.build(spec, masked).logProb(u, c), 0.0);
        FlowParameters unmasked = p.copy();
        for (int i = 0; i < outMask.length; i++) {
            if (outMask[i] == 1) {
                unmasked.get("b0.ar.wout").data()[i] += 0.5f;
            }
        }
        assertNotEquals(before, FlowBuilder.build(spec, unmasked).logProb(u, c));
    }

    private void assertMessage(String expected, FlowParameters p) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FlowBuilder.build(spec, p));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
