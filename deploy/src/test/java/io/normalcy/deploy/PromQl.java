package io.normalcy.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, and the names our services export. Dashboards and alert rules are
 * strings that no compiler checks: a renamed meter would leave a panel empty or an alert silent. So every query is
 * held to {@code deploy/src/test/resources/metrics/*.txt}, and the detector's and trainer's MetricsExpositionIT hold
 * those lists to the real {@code /prometheus} scrape. A deliberately small reading of PromQL: label matchers, strings,
 * range selectors and grouping clauses are removed first; what remains is an identifier either called (a function or
 * aggregation), a keyword, or a metric name.
 */
final class PromQl {
    private static final Pattern STRINGS = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGES = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile(
            "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern IDENT = Pattern.compile("(?<![\\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "by", "without", "on", "ignoring",
            "group_left", "group_right", "offset", "bool", "inf", "nan", "Inf", "NaN", "atan2");
    /** Series Prometheus makes itself for every target. */
    static final Set<String> PROMETHEUS_BUILTIN = Set.of("up");

    private PromQl() {
    }

    /** Metric names read by {@code expr}. */
    static Set<String> metricNames(String expr) {
        String s = STRINGS.matcher(expr).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGES.matcher(s).replaceAll(" ");
        s = GROUPING.matcher(s).replaceAll(" ");
        Set<String> out = new TreeSet<>();
        Matcher m = IDENT.matcher(s);
        while (m.find()) {
            String name = m.group(1);
            boolean called = m.group(2) != null;
            if (!called && !KEYWORDS.contains(name) && !name.matches("\\d.*")) {
                out.add(name);
            }
        }
        return out;
    }

    /** The sample names the detector and trainer export (the lists the MetricsExpositionITs check), plus {@code up}. */
    static Set<String> exported() {
        Set<String> names = new TreeSet<>(PROMETHEUS_BUILTIN);
        for (String service : new String[] {"detector", "trainer"}) {
            Path list = Repo.root().resolve("deploy/src/test/resources/metrics/" + service + ".txt");
            try {
                Files.readAllLines(list).stream().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                        .forEach(names::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return names;
    }
}
