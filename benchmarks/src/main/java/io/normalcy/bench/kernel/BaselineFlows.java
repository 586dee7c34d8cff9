package io.normalcy.bench.kernel;

import io.normalcy.flow.layer.MaskedAffineLayer;
import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.transform.CompositeTransform;
import io.normalcy.flow.transform.Flow;
import io.normalcy.flow.transform.MaskedAffineAutoregressive;
import io.normalcy.flow.transform.Transform;
import java.util.ArrayList;
import java.util.List;

/** Builds the same flow as {@link FlowBuilder#build} with every MADE layer replaced by {@link BaselineMaf}. */
public final class BaselineFlows {
    private BaselineFlows() {
    }

    public static Flow build(FlowSpec spec, FlowParameters params) {
        FlowBuilder.validate(spec, params);
        List<Transform> blocks = new ArrayList<>();
        for (int k = 0; k < spec.blocks(); k++) {
            List<Transform> parts = new ArrayList<>();
            for (Transform t : FlowBuilder.blockParts(spec, params, k)) {
                parts.add(t instanceof MaskedAffineAutoregressive ? baseline(spec, params, k) : t);
            }
            blocks.add(new CompositeTransform(parts));
        }
        return new Flow(new CompositeTransform(blocks), spec.contextDim());
    }

    private static BaselineMaf baseline(FlowSpec spec, FlowParameters p, int k) {
        int layers = spec.hidden().length;
        boolean ctx = spec.contextDim() > 0;
        double[][] w = new double[layers][];
        double[][] v = ctx ? new double[layers][] : null;
        double[][] b = new double[layers][];
        for (int l = 0; l < layers; l++) {
            w[l] = p.get(MaskedAffineLayer.hiddenWeight(k, l)).toDoubleArray();
            if (ctx) {
                v[l] = p.get(MaskedAffineLayer.hiddenContextWeight(k, l)).toDoubleArray();
            }
            b[l] = p.get(MaskedAffineLayer.hiddenBias(k, l)).toDoubleArray();
        }
        return new BaselineMaf(spec.degrees(k), spec.contextDim(), w, v, b,
                p.get(MaskedAffineLayer.outputWeight(k)).toDoubleArray(),
                ctx ? p.get(MaskedAffineLayer.outputContextWeight(k)).toDoubleArray() : null,
                p.get(MaskedAffineLayer.outputBias(k)).toDoubleArray(), spec.scaleClamp(), spec.additive());
    }
}
