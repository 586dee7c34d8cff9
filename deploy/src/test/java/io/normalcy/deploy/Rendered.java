package io.normalcy.deploy;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Lookups over one rendered kustomization: resources by kind/name, a container's effective environment. */
record Rendered(String label, List<Map<String, Object>> resources) {

    List<Map<String, Object>> ofKind(String kind) {
        return resources.stream().filter(r -> kind.equals(r.get("kind"))).toList();
    }

    Optional<Map<String, Object>> find(String kind, String name) {
        return ofKind(kind).stream().filter(r -> name.equals(Repo.at(r, "metadata", "name"))).findFirst();
    }

    /**
     * Keys of the Secret the Strimzi User Operator creates for a SCRAM-SHA-512 KafkaUser (same name as the
     * user): it is not in the manifests but exists once the KafkaUser is reconciled.
     */
    static final Map<String, String> KAFKA_USER_SCRAM_SECRET = Map.of("password", "<generated>", "sasl.jaas.config", "<generated>");

    /** ConfigMap data or Secret data ∪ stringData (or the generated Secret of a SCRAM KafkaUser). */
    Map<String, String> data(String kind, String name) {
        if (kind.equals("Secret") && find(kind, name).isEmpty() && find("KafkaUser", name)
                .filter(u -> "scram-sha-512".equals(Repo.at(u, "spec", "authentication", "type"))).isPresent()) {
            return KAFKA_USER_SCRAM_SECRET;
        }
        Map<String, Object> r = find(kind, name).orElseThrow(() -> new AssertionError(label + ": " + kind + " " + name + " is referenced but not defined"));
        Map<String, String> out = new LinkedHashMap<>();
        Repo.map(r, "data").forEach((k, v) -> out.put(k, String.valueOf(v)));
        Repo.map(r, "stringData").forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    /** The workloads' containers, each with the module it runs (from the image name normalcy/&lt;module&gt;). */
    record Container(Map<String, Object> deployment, Map<String, Object> spec, String module) {
        String name() {
            return String.valueOf(spec.get("name"));
        }
    }

    List<Container> containers() {
        return ofKind("Deployment").stream().flatMap(d -> Repo.list(d, "spec", "template", "spec", "containers").stream()
                .map(c -> {
                    Map<String, Object> cm = Repo.map(c);
                    String image = String.valueOf(cm.get("image"));
                    String bare = image.contains(":") ? image.substring(0, image.lastIndexOf(':')) : image;
                    return new Container(d, cm, bare.startsWith("normalcy/") ? bare.substring("normalcy/".length()) : bare);
                })).toList();
    }

    Container container(String module) {
        return containers().stream().filter(c -> c.module().equals(module)).findFirst()
                .orElseThrow(() -> new AssertionError(label + ": no Deployment runs normalcy/" + module));
    }

    /** Environment of a container: env values (secret refs as placeholders) and every envFrom key. */
    Map<String, String> environment(Container c) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object from : Repo.list(c.spec(), "envFrom")) {
            boolean optional = Boolean.TRUE.equals(Repo.at(from, "configMapRef", "optional"))
                    || Boolean.TRUE.equals(Repo.at(from, "secretRef", "optional"));
            Object cm = Repo.at(from, "configMapRef", "name");
            Object sec = Repo.at(from, "secretRef", "name");
            String kind = cm != null ? "ConfigMap" : "Secret";
            String name = String.valueOf(cm != null ? cm : sec);
            if (optional && find(kind, name).isEmpty()) {
                continue;
            }
            env.putAll(data(kind, name));
        }
        for (Object e : Repo.list(c.spec(), "env")) {
            Map<String, Object> em = Repo.map(e);
            env.put(String.valueOf(em.get("name")), em.containsKey("value") ? String.valueOf(em.get("value")) : "<ref>");
        }
        return env;
    }

    /** Names of objects a pod references: kind → names (envFrom, secretKeyRef, configMapKeyRef, volumes). */
    static Set<String[]> references(Map<String, Object> deployment) {
        Set<String[]> refs = new LinkedHashSet<>();
        for (Object c : Repo.list(deployment, "spec", "template", "spec", "containers")) {
            for (Object from : Repo.list(c, "envFrom")) {
                if (Repo.at(from, "configMapRef", "name") != null && !Boolean.TRUE.equals(Repo.at(from, "configMapRef", "optional"))) {
                    refs.add(new String[] {"ConfigMap", String.valueOf(Repo.at(from, "configMapRef", "name")), null});
                }
                if (Repo.at(from, "secretRef", "name") != null && !Boolean.TRUE.equals(Repo.at(from, "secretRef", "optional"))) {
                    refs.add(new String[] {"Secret", String.valueOf(Repo.at(from, "secretRef", "name")), null});
                }
            }
            for (Object e : Repo.list(c, "env")) {
                for (String[] kindRef : new String[][] {{"Secret", "secretKeyRef"}, {"ConfigMap", "configMapKeyRef"}}) {
                    Object ref = Repo.at(e, "valueFrom", kindRef[1]);
                    if (ref != null && !Boolean.TRUE.equals(Repo.at(ref, "optional"))) {
                        refs.add(new String[] {kindRef[0], String.valueOf(Repo.at(ref, "name")), String.valueOf(Repo.at(ref, "key"))});
                    }
                }
            }
        }
        for (Object v : Repo.list(deployment, "spec", "template", "spec", "volumes")) {
            if (Repo.at(v, "secret", "secretName") != null) {
                refs.add(new String[] {"Secret", String.valueOf(Repo.at(v, "secret", "secretName")), null});
            }
            if (Repo.at(v, "configMap", "name") != null) {
                refs.add(new String[] {"ConfigMap", String.valueOf(Repo.at(v, "configMap", "name")), null});
            }
        }
        return refs;
    }

    /** A probe's or service's port (name or number) resolved against a container's ports. */
    static int resolvePort(Map<String, Object> container, Object port, String where) {
        if (port instanceof Integer i) {
            return i;
        }
        for (Object p : Repo.list(container, "ports")) {
            if (String.valueOf(port).equals(String.valueOf(Repo.at(p, "name")))) {
                return (Integer) Repo.at(p, "containerPort");
            }
        }
        throw new AssertionError(where + ": port '" + port + "' is not a named port of container " + container.get("name"));
    }
}
