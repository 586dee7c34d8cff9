package io.normalcy.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders a kustomization the way {@code kubectl apply -k} will: with the real {@code kubectl kustomize} when
 * kubectl is on the PATH (developer machines and CI hosts that have it), because a hand-written subset of
 * Kustomize once accepted overlays whose resources real Kustomize left without a namespace. Where kubectl is
 * missing (a clean CI image; Debian 12's kubernetes-client is kubectl 1.20 with an old built-in Kustomize, not
 * relied on) it falls back to {@link Kustomize}, the Java subset, and says so on stdout, so a build without
 * kubectl still checks the manifests instead of failing for a missing tool.
 *
 * <p>System property {@code normalcy.deploy.renderer}: {@code kubectl} (required: fail when kubectl is
 * missing), {@code java} (force the subset) or {@code auto} (default).
 */
final class KustomizeRenderer {
    /** Which renderer the deploy tests use in this JVM. */
    enum Engine { KUBECTL, JAVA }

    private static final long TIMEOUT_SECONDS = 120;
    private static final Map<Path, List<Map<String, Object>>> CACHE = new ConcurrentHashMap<>();
    private static final Engine ENGINE = choose();

    private KustomizeRenderer() {
    }

    /** The resources {@code kubectl kustomize dir} prints (or the Java subset's rendering without kubectl). */
    static List<Map<String, Object>> render(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        return CACHE.computeIfAbsent(key, d -> ENGINE == Engine.KUBECTL ? kubectl(d) : Kustomize.build(d));
    }

    /** Real kubectl only: empty when kubectl is not installed. */
    static Optional<List<Map<String, Object>>> renderWithKubectl(Path dir) {
        return kubectlVersion().map(v -> kubectl(dir.toAbsolutePath().normalize()));
    }

    private static Engine choose() {
        String wanted = System.getProperty("normalcy.deploy.renderer", "auto");
        Optional<String> version = wanted.equals("java") ? Optional.empty() : kubectlVersion();
        if (wanted.equals("kubectl") && version.isEmpty()) {
            throw new IllegalStateException("-Dnormalcy.deploy.renderer=kubectl but no working kubectl on the PATH");
        }
        Engine e = version.isPresent() ? Engine.KUBECTL : Engine.JAVA;
        System.out.println(e == Engine.KUBECTL
                ? "[deploy tests] Kustomize overlays rendered with the real `kubectl kustomize` (" + version.get() + ")"
                : "[deploy tests] Kustomize overlays rendered with the Java fallback (io.normalcy.deploy.Kustomize): "
                        + (wanted.equals("java") ? "forced by -Dnormalcy.deploy.renderer=java" : "kubectl not found on the PATH"));
        return e;
    }

    /** "Client Version: v1.32.x / Kustomize Version: v5.5.0", or empty when kubectl cannot run. */
    static Optional<String> kubectlVersion() {
        try {
            Result r = run(List.of("kubectl", "version", "--client"));
            return r.exit == 0 ? Optional.of(r.stdout.strip().replace('\n', ' ')) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static List<Map<String, Object>> kubectl(Path dir) {
        Result r;
        try {
            r = run(List.of("kubectl", "kustomize", dir.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("kubectl kustomize " + dir, e);
        }
        if (r.exit != 0) {
            throw new AssertionError("kubectl kustomize " + dir + " failed (exit " + r.exit + "): " + r.stderr);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : new Yaml(new LoaderOptions()).loadAll(r.stdout)) {
            if (doc instanceof Map<?, ?> m) {
                out.add(Repo.cast(m));
            } else if (doc != null) {
                throw new AssertionError("kubectl kustomize " + dir + " printed a non-mapping document: " + doc);
            }
        }
        return out;
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    /**
     * Runs a command to completion. stderr goes to a temporary file, not a pipe: some kubectl installations
     * (a dispatcher that execs the real binary) leave a helper process holding an inherited stderr pipe open
     * after kubectl exits, and draining that pipe would never end.
     */
    private static Result run(List<String> command) throws IOException {
        Path err = Files.createTempFile("kubectl-", ".stderr");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IOException(command + " did not finish within " + TIMEOUT_SECONDS + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command, e);
            }
            return new Result(p.exitValue(), stdout, Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
