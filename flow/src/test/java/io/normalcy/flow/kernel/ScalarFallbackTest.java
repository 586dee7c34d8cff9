package io.normalcy.flow.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.flow.model.FlowBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM started without {@code --add-modules jdk.incubator.vector} still scores, on the scalar kernel: the SIMD
 * classes are never loaded there (loading them would fail with NoClassDefFoundError). Runs {@link KernelProbe} in
 * child JVMs on this test's class path, with and without the module.
 */
class ScalarFallbackTest {

    private record Run(int exit, String output) {
    }

    private static Run probe(boolean module, String setting) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (module) {
            cmd.add("--add-modules=" + KernelSelector.VECTOR_MODULE);
        }
        if (setting != null) {
            cmd.add("-D" + KernelSelector.PROPERTY + "=" + setting);
        }
        cmd.add("-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), KernelProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        // bounded wait for the child's exit (no fixed sleep)
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("probe JVM did not finish in 120 s");
        }
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static double logp(String output) {
        int i = output.indexOf("logp=");
        assertTrue(i >= 0, output);
        return Double.parseDouble(output.substring(i + 5).trim().split("\\s")[0]);
    }

    @Test
    void withoutTheModuleAutoFallsBackToTheScalarKernel() throws Exception {
        Run run = probe(false, null);
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("kernel=SCALAR"), run.output());
        double expected = FlowBuilder.build(KernelProbe.spec(), KernelProbe.parameters(), ScoringKernel.SCALAR)
                .logProb(KernelProbe.input(), null);
        assertEquals(expected, logp(run.output()), 0.0, "the fallback is the scalar kernel itself");
    }

    @Test
    void withTheModuleAutoTakesTheSimdKernel() throws Exception {
        Run run = probe(true, "auto");
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("kernel=SIMD"), run.output());
        double scalar = FlowBuilder.build(KernelProbe.spec(), KernelProbe.parameters(), ScoringKernel.SCALAR)
                .logProb(KernelProbe.input(), null);
        assertEquals(scalar, logp(run.output()), 1e-4);
        assertNotEquals(scalar, logp(run.output()), "float rounding shows: the SIMD kernel ran");
    }

    @Test
    void simdDemandedWithoutTheModuleStopsNamingTheProperty() throws Exception {
        Run run = probe(false, "simd");
        assertNotEquals(0, run.exit(), run.output());
        assertTrue(run.output().contains("normalcy.kernel=simd but the jdk.incubator.vector module is not in this JVM"),
                run.output());
    }
}
