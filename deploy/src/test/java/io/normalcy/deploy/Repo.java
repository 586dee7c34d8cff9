package io.normalcy.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Locates the repository root and reads YAML. The deploy artefacts (compose file, Dockerfiles, manifests) are
 * plain files that no compiler checks, so these tests read them the way Docker and kubectl would and compare
 * them with the sources of the services.
 */
final class Repo {
    private Repo() {
    }

    /** The directory holding the root pom.xml and mvnw (surefire runs with the deploy module as cwd). */
    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isRegularFile(d.resolve("pom.xml"))
                    && Files.isDirectory(d.resolve("deploy"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root (with mvnw, pom.xml, deploy/) not found above " + p);
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    /** Every non-empty document of a (multi-document) YAML file, as maps. */
    static List<Map<String, Object>> yamlDocuments(Path p) {
        List<Map<String, Object>> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(p)) {
            for (Object doc : new Yaml(new LoaderOptions()).loadAll(in)) {
                if (doc == null) {
                    continue;
                }
                if (!(doc instanceof Map<?, ?>)) {
                    throw new IllegalArgumentException(p + ": a YAML document is not a mapping: " + doc);
                }
                out.add(cast(doc));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
        return out;
    }

    static Map<String, Object> yaml(Path p) {
        List<Map<String, Object>> docs = yamlDocuments(p);
        if (docs.size() != 1) {
            throw new IllegalArgumentException(p + ": expected one YAML document, found " + docs.size());
        }
        return docs.get(0);
    }

    /** Nested maps flattened to dotted keys ({@code kafka: {bootstrap.servers: x}} → kafka.bootstrap.servers). */
    static Map<String, Object> flatten(Map<String, Object> tree) {
        Map<String, Object> out = new LinkedHashMap<>();
        flatten("", tree, out);
        return out;
    }

    private static void flatten(String prefix, Map<String, Object> tree, Map<String, Object> out) {
        tree.forEach((k, v) -> {
            String key = prefix.isEmpty() ? String.valueOf(k) : prefix + "." + k;
            if (v instanceof Map<?, ?> m) {
                flatten(key, cast(m), out);
            } else {
                out.put(key, v);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static <T> T cast(Object o) {
        return (T) o;
    }

    /** Nested lookup a.b.c in YAML maps; null when any step is missing. */
    static Object at(Object node, String... path) {
        Object cur = node;
        for (String step : path) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(step);
        }
        return cur;
    }

    static Map<String, Object> map(Object node, String... path) {
        Object o = at(node, path);
        return o == null ? Map.of() : cast(Objects.requireNonNull(o));
    }

    static List<Object> list(Object node, String... path) {
        Object o = at(node, path);
        return o == null ? List.of() : cast(o);
    }
}
