package io.normalcy.flow.kernel;

import io.normalcy.flow.model.FlowBuilder;
import io.normalcy.flow.model.FlowParameters;
import io.normalcy.flow.model.FlowSpec;
import io.normalcy.flow.model.ParameterInitializer;
import io.normalcy.flow.transform.Flow;
import java.util.Random;

/**
 * Run in a child JVM by {@link ScalarFallbackTest}: selects the kernel from the system property as every launcher
 * does, builds a small MAF_MOG flow on it and prints the kernel and one log-density.
 */
public final class KernelProbe {
    private KernelProbe() {
    }

    public static void main(String[] args) {
        ScoringKernel kind = KernelSelector.fromSystemProperty();
        Flow flow = FlowBuilder.build(spec(), parameters(), kind);
        System.out.println("kernel=" + kind + " logp=" + flow.logProb(input(), null));
    }

    static FlowSpec spec() {
        return FlowSpec.mafMog(3, 0, 2, 16);
    }

    static FlowParameters parameters() {
        return ParameterInitializer.initialize(spec(), new Random(3));
    }

    static double[] input() {
        return new double[] {0.3, -1.2, 2.0};
    }
}
