package io.normalcy.testkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a service's {@code main} in a JVM of its own, for tests that must kill it for real (SIGKILL with
 * {@link Process#destroyForcibly()}): the same class path as the test, the given system properties, the Micronaut
 * {@code test} environment (the test credentials in {@code application-test.yml}, as in the test's own JVM) and one
 * native math thread. Output goes to {@code log}, which the test names in its failure messages.
 */
public final class ServiceJvm {
    private ServiceJvm() {
    }

    /**
     * @param mainClass the service's application class
     * @param maxHeap   {@code -Xmx} value, e.g. {@code 256m}
     * @param props     system properties ({@code -Dk=v}): the service's configuration
     * @param log       where stdout and stderr go
     */
    public static Process start(Class<?> mainClass, String maxHeap, Map<String, ?> props, Path log)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + maxHeap);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-Dmicronaut.environments=test");
        cmd.add(mainClass.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1");
        return pb.start();
    }
}
