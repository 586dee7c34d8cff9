package io.normalcy.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The few facts of a Dockerfile the deploy tests compare with the code: the Maven module it builds, the jar it
 * copies, the main class, ENV keys, EXPOSE and the HEALTHCHECK URL. Line continuations are joined first.
 */
record Dockerfile(Path path, List<String> instructions) {

    static Dockerfile read(Path path) {
        String joined = Repo.read(path).replaceAll("\\\\\\r?\\n", " ");
        List<String> lines = new ArrayList<>();
        for (String l : joined.split("\\r?\\n")) {
            String t = l.trim();
            if (!t.isEmpty() && !t.startsWith("#")) {
                lines.add(t.replaceAll("\\s+", " "));
            }
        }
        return new Dockerfile(path, lines);
    }

    List<String> all(String instruction) {
        String p = instruction.toUpperCase() + " ";
        return instructions.stream().filter(l -> l.toUpperCase().startsWith(p)).map(l -> l.substring(p.length()).trim()).toList();
    }

    /** Modules built by {@code mvnw ... -pl <module>}. */
    List<String> builtModules() {
        List<String> out = new ArrayList<>();
        for (String run : all("RUN")) {
            Matcher m = Pattern.compile("mvnw\\b.*?-pl\\s+([\\w,\\-]+)").matcher(run);
            while (m.find()) {
                out.addAll(List.of(m.group(1).split(",")));
            }
        }
        return out;
    }

    /** The jar glob copied to the runtime layout, e.g. detector/target/normalcy-detector-*.jar. */
    List<String> copiedJars() {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("cp\\s+(\\S+\\.jar)\\s").matcher(String.join("\n", all("RUN")));
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** ENV keys (both {@code ENV K=V ...} and {@code ENV K V} forms). */
    Map<String, String> env() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String e : all("ENV")) {
            if (!e.contains("=")) {
                String[] kv = e.split(" ", 2);
                out.put(kv[0], kv.length > 1 ? kv[1] : "");
                continue;
            }
            Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)").matcher(e);
            while (m.find()) {
                out.put(m.group(1), m.group(2).replaceAll("^\"|\"$", ""));
            }
        }
        return out;
    }

    List<Integer> exposed() {
        return all("EXPOSE").stream().flatMap(e -> List.of(e.split(" ")).stream())
                .map(p -> Integer.parseInt(p.replace("/tcp", ""))).toList();
    }

    /** The last stage's base image. */
    String runtimeBase() {
        List<String> from = all("FROM");
        return from.get(from.size() - 1).split(" ")[0];
    }

    String entrypoint() {
        List<String> e = all("ENTRYPOINT");
        return e.isEmpty() ? "" : e.get(e.size() - 1);
    }

    String user() {
        List<String> u = all("USER");
        return u.isEmpty() ? "" : u.get(u.size() - 1);
    }

    String healthcheck() {
        List<String> h = all("HEALTHCHECK");
        return h.isEmpty() ? "" : h.get(h.size() - 1);
    }
}
