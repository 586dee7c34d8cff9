package io.normalcy.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the configuration keys a service declares from its Java sources: {@code @ConfigurationProperties}
 * classes and records (nested ones inherit the enclosing prefix, as Micronaut does), their record components
 * or setters in kebab case, {@code @Bindable(defaultValue = ...)} defaults, and {@code @Value("${key}")} /
 * {@code @Property(name = "key")} references. Parsing the sources (instead of loading the built classes)
 * keeps the deploy module free of the services' heavy runtime dependencies; the parser fails loudly on a
 * declaration it cannot read rather than silently accepting nothing.
 */
final class ConfigPropertiesScanner {

    /** A declared key: {@code map} keys accept any sub-key (e.g. a {@code Map<String, String>} property). */
    record Declared(String key, boolean map, String defaultValue, String source) {
    }

    private static final Pattern NON_LITERAL_PREFIX = Pattern.compile(
            "@ConfigurationProperties\\(\\s*(?:value\\s*=\\s*)?([A-Za-z_][\\w.]*)");
    private static final Pattern CONFIG_PROPS = Pattern.compile("@ConfigurationProperties\\(\\s*(?:value\\s*=\\s*)?\"([^\"]+)\"\\s*\\)");
    private static final Pattern TYPE_DECL = Pattern.compile("\\b(class|record)\\s+([A-Z]\\w*)");
    private static final Pattern SETTER = Pattern.compile("\\bpublic\\s+void\\s+set([A-Z]\\w*)\\s*\\(\\s*([\\w.<>, ?\\[\\]]+?)\\s+\\w+\\s*\\)");
    private static final Pattern VALUE_REF = Pattern.compile("@(?:Value|Property)\\(\\s*(?:name\\s*=\\s*)?\"\\$?\\{?([a-z0-9.\\-]+)");
    private static final Pattern BINDABLE_DEFAULT = Pattern.compile("@Bindable\\(\\s*defaultValue\\s*=\\s*\"([^\"]*)\"\\s*\\)");

    private ConfigPropertiesScanner() {
    }

    /** All keys declared under {@code sourceRoot} (e.g. detector/src/main/java). */
    static List<Declared> scan(Path sourceRoot) {
        List<Declared> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                scanFile(f, Repo.read(f), out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + sourceRoot, e);
        }
        return out;
    }

    static void scanFile(Path file, String rawSource, List<Declared> out) {
        String src = stripComments(rawSource);
        Matcher constant = NON_LITERAL_PREFIX.matcher(src);
        if (constant.find()) {
            // a constant would make every key of the type invisible here, and the manifests' checks silently weaker
            throw new IllegalStateException(file + ": @ConfigurationProperties(" + constant.group(1) + "...) must name "
                    + "its prefix as a string literal for this scanner");
        }
        Matcher v = VALUE_REF.matcher(src);
        while (v.find()) {
            out.add(new Declared(v.group(1), false, null, file.getFileName() + " @Value/@Property"));
        }
        // type declarations annotated with @ConfigurationProperties, with their body ranges
        List<int[]> ranges = new ArrayList<>();  // [bodyStart, bodyEnd, index into prefixes]
        List<String> prefixes = new ArrayList<>();
        Matcher m = CONFIG_PROPS.matcher(src);
        while (m.find()) {
            Matcher t = TYPE_DECL.matcher(src);
            if (!t.find(m.end())) {
                throw new IllegalStateException(file + ": @ConfigurationProperties(\"" + m.group(1) + "\") on no class/record");
            }
            String prefix = m.group(1);
            for (int i = 0; i < ranges.size(); i++) { // nested inside an earlier annotated type?
                if (ranges.get(i)[0] < m.start() && m.start() < ranges.get(i)[1]) {
                    prefix = prefixes.get(i) + "." + prefix;
                }
            }
            int afterName = t.end();
            Map<String, String[]> props = new LinkedHashMap<>(); // name -> {type, default}
            int bodyStart;
            if (t.group(1).equals("record")) {
                int open = src.indexOf('(', afterName);
                int close = matching(src, open, '(', ')');
                for (String component : splitTopLevel(src.substring(open + 1, close))) {
                    String[] typeAndName = componentTypeAndName(file, component);
                    Matcher d = BINDABLE_DEFAULT.matcher(component);
                    props.put(typeAndName[1], new String[] {typeAndName[0], d.find() ? d.group(1) : null});
                }
                bodyStart = src.indexOf('{', close);
            } else {
                bodyStart = src.indexOf('{', afterName);
            }
            int bodyEnd = matching(src, bodyStart, '{', '}');
            if (t.group(1).equals("class")) {
                Matcher s = SETTER.matcher(src.substring(bodyStart, bodyEnd));
                while (s.find()) {
                    String name = Character.toLowerCase(s.group(1).charAt(0)) + s.group(1).substring(1);
                    props.put(name, new String[] {s.group(2), null});
                }
                if (props.isEmpty()) {
                    throw new IllegalStateException(file + ": @ConfigurationProperties class " + t.group(2)
                            + " has no public setters this scanner can read");
                }
            }
            ranges.add(new int[] {bodyStart, bodyEnd});
            prefixes.add(prefix);
            for (Map.Entry<String, String[]> p : props.entrySet()) {
                String type = p.getValue()[0];
                if (isNestedConfigType(src, type)) {
                    continue; // keys come from the nested @ConfigurationProperties type itself
                }
                out.add(new Declared(prefix + "." + kebab(p.getKey()), type.startsWith("Map<") || type.equals("Map"),
                        p.getValue()[1], file.getFileName().toString()));
            }
        }
    }

    private static boolean isNestedConfigType(String src, String type) {
        return Pattern.compile("@ConfigurationProperties\\([^)]*\\)\\s*(?:@\\w+(?:\\([^)]*\\))?\\s*)*"
                + "(?:public\\s+|static\\s+|final\\s+)*(?:class|record)\\s+" + Pattern.quote(type) + "\\b").matcher(src).find();
    }

    /** {@code applicationId} → {@code application-id} (Micronaut's hyphenated naming). */
    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                if (!sb.isEmpty()) {
                    sb.append('-');
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String[] componentTypeAndName(Path file, String component) {
        String c = component.replaceAll("@\\w+(\\.\\w+)*(\\((?:[^()]|\\([^()]*\\))*\\))?", " ").trim();
        c = c.replaceAll("\\bfinal\\b", " ").replaceAll("\\s+", " ").trim();
        int lastSpace = c.lastIndexOf(' ');
        if (lastSpace < 0) {
            throw new IllegalStateException(file + ": cannot read record component '" + component.trim() + "'");
        }
        String type = c.substring(0, lastSpace).replace(" ", "");
        return new String[] {type, c.substring(lastSpace + 1)};
    }

    /** Splits at commas not nested in (), <> or {}. */
    static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        boolean inString = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
                inString = !inString;
            } else if (!inString) {
                if (c == '(' || c == '<' || c == '{') {
                    depth++;
                } else if (c == ')' || c == '>' || c == '}') {
                    depth--;
                } else if (c == ',' && depth == 0) {
                    parts.add(s.substring(start, i));
                    start = i + 1;
                }
            }
        }
        if (!s.substring(start).isBlank()) {
            parts.add(s.substring(start));
        }
        return parts;
    }

    private static int matching(String s, int open, char o, char c) {
        if (open < 0) {
            throw new IllegalStateException("no '" + o + "' found");
        }
        int depth = 0;
        boolean inString = false;
        for (int i = open; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '"' && s.charAt(i - 1) != '\\') {
                inString = !inString;
            } else if (!inString && ch == o) {
                depth++;
            } else if (!inString && ch == c && --depth == 0) {
                return i;
            }
        }
        throw new IllegalStateException("unbalanced '" + o + "'");
    }

    private static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)//[^\\n\"]*$", " ")
                .replaceAll("'(?:[^'\\\\]|\\\\.)'", "' '"); // char literals such as '{' would unbalance braces
    }
}
