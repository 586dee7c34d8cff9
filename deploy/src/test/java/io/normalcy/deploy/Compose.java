package io.normalcy.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docker-compose.yml read as data, with the bits of compose semantics the tests need. */
final class Compose {
    final Path file;
    final Map<String, Object> root;

    Compose(Path file) {
        this.file = file;
        this.root = Repo.yaml(file);
    }

    static Compose load() {
        return new Compose(Repo.root().resolve("docker-compose.yml"));
    }

    Map<String, Object> services() {
        return Repo.map(root, "services");
    }

    Map<String, Object> service(String name) {
        Map<String, Object> s = Repo.map(services(), name);
        if (s.isEmpty()) {
            throw new AssertionError("docker-compose.yml has no service '" + name + "'");
        }
        return s;
    }

    /** environment as a map (both the mapping and the KEY=VALUE list forms). */
    static Map<String, String> environment(Map<String, Object> service) {
        Object env = service.get("environment");
        Map<String, String> out = new LinkedHashMap<>();
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            for (Object o : l) {
                String s = String.valueOf(o);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
            }
        }
        return out;
    }

    /** {@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}}, {@code ${VAR:?error}}, {@code ${VAR?error}}. */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    /**
     * The environment as the container gets it: compose variables ({@code ${VAR...}}) replaced from {@code vars}, as
     * {@code docker compose} does from the shell and {@code .env}.
     *
     * @throws AssertionError with compose's message when a required variable ({@code ${VAR:?message}}) is missing
     */
    static Map<String, String> environment(Map<String, Object> service, Map<String, String> vars) {
        Map<String, String> out = new LinkedHashMap<>();
        environment(service).forEach((k, v) -> out.put(k, interpolate(v, vars)));
        return out;
    }

    static String interpolate(String value, Map<String, String> vars) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            boolean unset = m.group(2) != null && m.group(2).startsWith(":") ? v == null || v.isEmpty() : v == null;
            if (unset && m.group(2) != null && m.group(2).endsWith("?")) {
                throw new AssertionError("required variable " + m.group(1) + " is missing a value: " + m.group(3));
            }
            String replacement = unset ? (m.group(2) != null ? m.group(3) : "") : v;
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The variables a value requires ({@code ${VAR:?...}} / {@code ${VAR?...}}). */
    static List<String> requiredVariables(String value) {
        List<String> out = new ArrayList<>();
        Matcher m = VARIABLE.matcher(value);
        while (m.find()) {
            if (m.group(2) != null && m.group(2).endsWith("?")) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Build context directory, resolved against the compose file's directory. */
    Optional<Path> buildContext(Map<String, Object> service) {
        Object b = service.get("build");
        if (b == null) {
            return Optional.empty();
        }
        String ctx = b instanceof String s ? s : String.valueOf(Repo.map(b).getOrDefault("context", "."));
        return Optional.of(file.getParent().resolve(ctx).normalize());
    }

    Optional<Path> dockerfile(Map<String, Object> service) {
        Object b = service.get("build");
        if (b == null) {
            return Optional.empty();
        }
        String df = b instanceof String ? "Dockerfile" : String.valueOf(Repo.map(b).getOrDefault("dockerfile", "Dockerfile"));
        return Optional.of(buildContext(service).orElseThrow().resolve(df).normalize());
    }

    /** Container ports of the published "host:container" mappings. */
    static List<Integer> containerPorts(Map<String, Object> service) {
        List<Integer> out = new ArrayList<>();
        for (Object p : Repo.list(service, "ports")) {
            String s = String.valueOf(p).replace("/tcp", "");
            out.add(Integer.parseInt(s.substring(s.lastIndexOf(':') + 1)));
        }
        return out;
    }

    static List<Integer> hostPorts(Map<String, Object> service) {
        List<Integer> out = new ArrayList<>();
        for (Object p : Repo.list(service, "ports")) {
            String[] parts = String.valueOf(p).replace("/tcp", "").split(":");
            out.add(Integer.parseInt(parts[parts.length - 2]));
        }
        return out;
    }

    /** The healthcheck command as one string ("" if none). */
    static String healthcheck(Map<String, Object> service) {
        Object t = Repo.at(service, "healthcheck", "test");
        if (t instanceof List<?> l) {
            return String.join(" ", l.stream().map(String::valueOf).toList());
        }
        return t == null ? "" : String.valueOf(t);
    }

    /** (port, path) of the first http://localhost:PORT/PATH in a command. */
    static Optional<Map.Entry<Integer, String>> localUrl(String command) {
        Matcher m = Pattern.compile("http://(?:localhost|127\\.0\\.0\\.1):(\\d+)(/[^\\s\"']*)").matcher(command);
        return m.find() ? Optional.of(Map.entry(Integer.parseInt(m.group(1)), m.group(2))) : Optional.empty();
    }
}
