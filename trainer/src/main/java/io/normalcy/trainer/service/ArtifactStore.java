package io.normalcy.trainer.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The artifact directory: {@code <root>/<model>/v<version>/model.avro} plus {@code report.html} and
 * {@code result.json} next to it. Work happens in {@code <root>/<model>/.work-<id>} and is moved into place
 * only when complete. Model names are restricted to {@code [A-Za-z0-9._-]} (not starting with a dot) so a name
 * from a request can never escape the root.
 */
public final class ArtifactStore {
    public static final String MODEL_FILE = "model.avro";
    public static final String REPORT_FILE = "report.html";
    public static final String RESULT_FILE = "result.json";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    private final Path root;

    public ArtifactStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public static boolean isSafeName(String s) {
        return s != null && SAFE.matcher(s).matches();
    }

    private Path modelDir(String model) {
        if (!isSafeName(model)) {
            throw new IllegalArgumentException("model name '" + model + "' may only contain letters, digits, '.', '_' and '-'");
        }
        return root.resolve(model);
    }

    public Path versionDir(String model, long version) {
        return modelDir(model).resolve("v" + version);
    }

    public Path newWorkDir(String model, String id) {
        try {
            String safeId = id.replaceAll("[^A-Za-z0-9_-]", "_");
            Path dir = modelDir(model).resolve(".work-" + safeId + "-" + System.nanoTime());
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work directory under " + root + ": " + e.getMessage(), e);
        }
    }

    /** Moves a finished work directory to its version directory (replacing a stale one). */
    public Path commit(Path workDir, String model, long version) throws IOException {
        Path target = versionDir(model, version);
        if (Files.exists(target)) {
            delete(target);
        }
        return Files.move(workDir, target, StandardCopyOption.ATOMIC_MOVE);
    }

    public Optional<Path> report(String model, long version) {
        if (!isSafeName(model)) {
            return Optional.empty();
        }
        Path p = versionDir(model, version).resolve(REPORT_FILE);
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort clean-up
        }
    }
}
