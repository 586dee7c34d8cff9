package io.normalcy.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The fallback renderer of {@link KustomizeRenderer} for machines without kubectl: a deliberately small
 * Kustomize subset for the features deploy/k8s uses: {@code resources} (files and
 * directories), {@code patches} with {@code path} (strategic merge: maps merge, lists of named items merge by
 * name, other lists are replaced), {@code images} ({@code newName}/{@code newTag}) and {@code namespace}. Any
 * other kustomization field fails the test, so the manifests cannot drift beyond what is checked. Where kubectl
 * is installed the tests render with the real {@code kubectl kustomize} instead and check that this subset
 * still agrees with it ({@code KubernetesManifestsTest#theJavaFallbackRendersWhatKubectlRenders}).
 */
final class Kustomize {
    private static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "patches", "images", "namespace");
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");

    private Kustomize() {
    }

    /** The rendered resources of the kustomization in {@code dir}. */
    static List<Map<String, Object>> build(Path dir) {
        Path k = dir.resolve("kustomization.yaml");
        if (!Files.isRegularFile(k)) {
            throw new AssertionError(dir + " has no kustomization.yaml");
        }
        Map<String, Object> kust = Repo.yaml(k);
        for (String key : kust.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new AssertionError(k + ": field '" + key + "' is not supported by the deploy tests' renderer");
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object r : Repo.list(kust, "resources")) {
            Path p = dir.resolve(String.valueOf(r)).normalize();
            if (Files.isDirectory(p)) {
                out.addAll(build(p));
            } else if (Files.isRegularFile(p)) {
                out.addAll(Repo.yamlDocuments(p));
            } else {
                throw new AssertionError(k + ": resource " + r + " does not exist");
            }
        }
        for (Object patch : Repo.list(kust, "patches")) {
            Map<String, Object> pm = Repo.map(patch);
            if (pm.keySet().stream().anyMatch(x -> !x.equals("path"))) {
                throw new AssertionError(k + ": only 'path' patches are supported, got " + pm.keySet());
            }
            Path p = dir.resolve(String.valueOf(pm.get("path"))).normalize();
            if (!Files.isRegularFile(p)) {
                throw new AssertionError(k + ": patch " + p + " does not exist");
            }
            for (Map<String, Object> doc : Repo.yamlDocuments(p)) {
                Map<String, Object> target = out.stream().filter(o -> sameObject(o, doc)).findFirst()
                        .orElseThrow(() -> new AssertionError(p + ": patch target " + id(doc) + " not found"));
                merge(target, doc);
            }
        }
        for (Object img : Repo.list(kust, "images")) {
            Map<String, Object> im = Repo.map(img);
            String name = String.valueOf(im.get("name"));
            for (Map<String, Object> o : out) {
                for (Object c : Repo.list(o, "spec", "template", "spec", "containers")) {
                    Map<String, Object> cm = Repo.map(c);
                    String image = String.valueOf(cm.get("image"));
                    String bare = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
                    if (bare.equals(name)) {
                        String newName = String.valueOf(im.getOrDefault("newName", bare));
                        String tag = im.containsKey("newTag") ? String.valueOf(im.get("newTag"))
                                : image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : null;
                        cm.put("image", tag == null ? newName : newName + ":" + tag);
                    }
                }
            }
        }
        if (kust.containsKey("namespace")) {
            for (Map<String, Object> o : out) {
                if (!CLUSTER_SCOPED.contains(String.valueOf(o.get("kind")))) {
                    Repo.<Map<String, Object>>cast(o.get("metadata")).put("namespace", kust.get("namespace"));
                }
            }
        }
        return out;
    }

    static String id(Map<String, Object> o) {
        return o.get("kind") + "/" + Repo.at(o, "metadata", "name");
    }

    private static boolean sameObject(Map<String, Object> a, Map<String, Object> b) {
        return Objects.equals(a.get("kind"), b.get("kind"))
                && Objects.equals(Repo.at(a, "metadata", "name"), Repo.at(b, "metadata", "name"));
    }

    /** Strategic-merge-like: maps recursively, lists whose items all have a name merge by name (new items first), else replace. */
    static void merge(Map<String, Object> target, Map<String, Object> patch) {
        patch.forEach((k, v) -> {
            Object cur = target.get(k);
            if (cur instanceof Map<?, ?> cm && v instanceof Map<?, ?> vm) {
                merge(Repo.cast(cm), Repo.cast(vm));
            } else if (cur instanceof List<?> cl && v instanceof List<?> vl && named(cl) && named(vl)) {
                List<Object> merged = new ArrayList<>(cl);
                List<Object> added = new ArrayList<>();
                for (Object item : vl) {
                    Object name = Repo.at(item, "name");
                    Object existing = merged.stream().filter(e -> Objects.equals(Repo.at(e, "name"), name)).findFirst().orElse(null);
                    if (existing == null) {
                        added.add(copy(item));
                    } else {
                        merge(Repo.cast(existing), Repo.cast(item));
                    }
                }
                // kubectl kustomize (kyaml's strategic merge) puts items new to the list before the existing ones
                merged.addAll(0, added);
                target.put(k, merged);
            } else {
                target.put(k, copy(v));
            }
        });
    }

    private static boolean named(List<?> l) {
        return !l.isEmpty() && l.stream().allMatch(i -> i instanceof Map<?, ?> m && m.containsKey("name"));
    }

    private static Object copy(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put(String.valueOf(k), copy(v)));
            return c;
        }
        if (o instanceof List<?> l) {
            return new ArrayList<>(l.stream().map(Kustomize::copy).toList());
        }
        return o;
    }
}
