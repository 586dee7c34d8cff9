package io.normalcy.bench.reliability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One detector service in its own JVM: the detector's own main ({@code io.normalcy.detector.DetectorApplication})
 * with its configuration as system properties, exactly as a deployment passes it, and its HTTP API on a port of its
 * own. Every HTTP call carries {@code X-API-Key} when the suite was given a key (HTTP auth on).
 */
final class DetectorProcess {
    static final String MAIN = "io.normalcy.detector.DetectorApplication";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final String name;
    private final int port;
    private final String apiKey;
    private final JvmProcess jvm;

    private DetectorProcess(String name, int port, String apiKey, JvmProcess jvm) {
        this.name = name;
        this.port = port;
        this.apiKey = apiKey;
        this.jvm = jvm;
    }

    /**
     * @param config detector configuration ({@code normalcy.detector.*}, {@code kafka.*}, {@code micronaut.*}); must
     *               contain {@code micronaut.server.port}
     */
    static DetectorProcess start(String name, Map<String, String> config, String heap, String apiKey, Path log) {
        // the Vector API module as in production (bin/, Dockerfiles): the detector scores on the SIMD kernel
        List<String> jvmArgs = new ArrayList<>(List.of("-Xmx" + heap, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "--add-modules", "jdk.incubator.vector"));
        config.forEach((k, v) -> jvmArgs.add("-D" + k + "=" + v));
        String bootstrap = config.getOrDefault("kafka.bootstrap.servers", "");
        JvmProcess jvm = JvmProcess.start(name, jvmArgs, ChaosClasspath.detector(), MAIN, List.of(),
                // HOSTNAME: each instance its own, as each pod has (a setting derived from it must differ)
                Map.of("OMP_NUM_THREADS", "1", "KAFKA_BOOTSTRAP_SERVERS", bootstrap, "HOSTNAME", name), log);
        return new DetectorProcess(name, Integer.parseInt(config.get("micronaut.server.port")), apiKey, jvm);
    }

    String name() {
        return name;
    }

    JvmProcess jvm() {
        return jvm;
    }

    boolean alive() {
        return jvm.alive();
    }

    /**
     * Waits until {@code GET /health} answers UP (Kafka Streams RUNNING or REBALANCING).
     *
     * @throws IllegalStateException with the end of the log when the process exits or the deadline passes
     */
    void awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!jvm.alive()) {
                throw new IllegalStateException(name + " exited (code " + jvm.exitCode() + ") during start-up:\n"
                        + jvm.logTail(40));
            }
            try {
                HttpResponse<String> r = get("/health");
                if (r.statusCode() == 200 && r.body().contains("\"UP\"")) {
                    return;
                }
                last = "HTTP " + r.statusCode() + (r.statusCode() == 401 || r.statusCode() == 403
                        ? " (HTTP auth is on: pass --api-key or NORMALCY_API_KEY)" : "") + ": " + abbreviate(r.body());
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not UP after " + timeout.toSeconds() + " s (last: " + last + "):\n"
                + jvm.logTail(40));
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return HTTP.send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (apiKey != null) {
            b.header("X-API-Key", apiKey);
        }
        return b;
    }

    /**
     * Heap in use (sum of {@code jvm_memory_used_bytes{area="heap"}} on {@code /prometheus}), MB; -1 when the
     * endpoint does not answer.
     */
    double heapUsedMb() throws InterruptedException {
        try {
            HttpResponse<String> r = get("/prometheus");
            if (r.statusCode() != 200) {
                return -1;
            }
            return metricSum(r.body(), "jvm_memory_used_bytes", "area=\"heap\"") / (1024.0 * 1024.0);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Sum of the samples of {@code metric} whose labels contain {@code labelFilter} (Prometheus text format). */
    static double metricSum(String text, String metric, String labelFilter) {
        double sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith(metric + "{") && line.contains(labelFilter)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
            }
        }
        return sum;
    }

    /** SIGKILL; returns the kill's wall-clock time. */
    long kill() throws InterruptedException {
        return jvm.kill();
    }

    /** SIGTERM with a grace period; returns the time to exit (ms) or -1 when it had to be killed. */
    long terminate(Duration grace) throws InterruptedException {
        return jvm.terminate(grace);
    }

    static String abbreviate(String s) {
        String one = s == null ? "" : s.replace('\n', ' ');
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
