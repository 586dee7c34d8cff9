package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.normalcy.testkit.Promtool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Prometheus alert rules ({@value #RULES}): checked and unit-tested by Prometheus' own {@code promtool} (Debian
 * package {@code prometheus}; {@code .ci/run} installs it, so CI always runs these; a machine without it skips the
 * promtool tests with that message, JUnit assumption), complete (the alerts the operations runbook promises, each with
 * {@code for}, a severity, summary, description and a runbook section that exists), reading only metrics the
 * services export, and shipped unchanged to Kubernetes as the PrometheusRule ({@value #PROMETHEUS_RULE}).
 */
class AlertRulesTest {
    static final String RULES = "deploy/prometheus/rules/normalcy.rules.yml";
    static final String RULE_TESTS = "deploy/prometheus/rules/normalcy.rules.test.yml";
    static final String PROMETHEUS_RULE = "deploy/k8s/overlays/prod/prometheusrule.yaml";
    static final String RUNBOOK = "docs/operations.md";
    /** Issue #15: lag, dead letters, rejected models, stream threads, drift retrain storms, training failures. */
    static final Set<String> REQUIRED = Set.of("NormalcyConsumerLagGrowing", "NormalcyDeadLetterRate",
            "NormalcyModelRejected", "NormalcyStreamThreadDown", "NormalcyDriftRetrainStorm", "NormalcyTrainingFailed");

    private static Path path(String relative) {
        return Repo.root().resolve(relative);
    }

    static List<Map<String, Object>> rules() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object g : Repo.list(Repo.yaml(path(RULES)), "groups")) {
            Repo.list(g, "rules").forEach(r -> out.add(Repo.map(r)));
        }
        return out;
    }

    @Test
    void promtoolChecksTheRulesAndThePrometheusConfigThatLoadsThem() {
        Promtool.run("check", "rules", path(RULES).toString()).assertClean(RULES);
        Promtool.Result config = Promtool.run("check", "config", path("deploy/prometheus/prometheus.yml").toString())
                .assertClean("deploy/prometheus/prometheus.yml");
        assertTrue(config.output().contains("1 rule files found"), "prometheus.yml loads the rules file: " + config);
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() {
        // promtool resolves rule_files relative to the test file
        Promtool.run("test", "rules", path(RULE_TESTS).toString()).assertClean(RULE_TESTS);
    }

    @Test
    void everyAlertIsUnitTestedFiringAndNotFiring() {
        Map<String, boolean[]> seen = new LinkedHashMap<>();
        for (Object t : Repo.list(Repo.yaml(path(RULE_TESTS)), "tests")) {
            for (Object a : Repo.list(t, "alert_rule_test")) {
                boolean[] fireQuiet = seen.computeIfAbsent(String.valueOf(Repo.at(a, "alertname")), k -> new boolean[2]);
                fireQuiet[Repo.list(a, "exp_alerts").isEmpty() ? 1 : 0] = true;
            }
        }
        for (Map<String, Object> r : rules()) {
            boolean[] fq = seen.getOrDefault(String.valueOf(r.get("alert")), new boolean[2]);
            assertTrue(fq[0] && fq[1], r.get("alert") + " needs a promtool test where it fires and one where it does not");
        }
    }

    @Test
    void everyAlertHasForSeveritySummaryDescriptionAndARunbookSection() {
        Set<String> anchors = markdownAnchors(Repo.read(path(RUNBOOK)));
        Set<String> names = new HashSet<>();
        for (Map<String, Object> r : rules()) {
            Object alert = r.get("alert");
            assertTrue(alert != null, "only alerting rules here (no recording rules): " + r);
            assertTrue(names.add(String.valueOf(alert)), "duplicate alert " + alert);
            assertTrue(String.valueOf(r.get("for")).matches("\\d+[smh]"), alert + ": for: missing or not a duration");
            assertTrue(Set.of("warning", "critical").contains(String.valueOf(Repo.at(r, "labels", "severity"))),
                    alert + ": severity label warning or critical");
            for (String a : List.of("summary", "description", "runbook")) {
                assertFalse(String.valueOf(Repo.at(r, "annotations", a)).isBlank() || Repo.at(r, "annotations", a) == null,
                        alert + ": annotation " + a);
            }
            String runbook = String.valueOf(Repo.at(r, "annotations", "runbook"));
            assertTrue(runbook.startsWith(RUNBOOK + "#") && anchors.contains(runbook.substring(RUNBOOK.length() + 1)),
                    alert + ": runbook " + runbook + " is not a section of " + RUNBOOK + " " + anchors);
        }
        Set<String> missing = new TreeSet<>(REQUIRED);
        missing.removeAll(names);
        assertTrue(missing.isEmpty(), "missing alerts: " + missing);
    }

    @Test
    void rulesReadOnlyMetricsTheServicesExport() {
        Set<String> exported = PromQl.exported();
        for (Map<String, Object> r : rules()) {
            Set<String> unknown = new TreeSet<>(PromQl.metricNames(String.valueOf(r.get("expr"))));
            unknown.removeAll(exported);
            assertTrue(unknown.isEmpty(), r.get("alert") + " reads metrics nobody exports: " + unknown);
        }
    }

    @Test
    void thePrometheusRuleForKubernetesHasExactlyTheRulesFilesGroups() {
        List<Map<String, Object>> docs = Repo.yamlDocuments(path(PROMETHEUS_RULE));
        assertEquals(1, docs.size());
        Map<String, Object> pr = docs.get(0);
        assertEquals("monitoring.coreos.com/v1", pr.get("apiVersion"));
        assertEquals("PrometheusRule", pr.get("kind"));
        assertTrue(Repo.list(Repo.yaml(path(RULES)), "groups").equals(Repo.list(pr, "spec", "groups")),
                PROMETHEUS_RULE + " differs from " + RULES + ": copy the groups: section of the rules file under spec:");
        assertTrue(Repo.list(Repo.yaml(path("deploy/k8s/overlays/prod/kustomization.yaml")), "resources")
                .contains(path(PROMETHEUS_RULE).getFileName().toString()), "the prod overlay ships the PrometheusRule");
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertEquals(Set.of("a_bucket", "b_total", "c"), PromQl.metricNames(
                "histogram_quantile(0.99, sum by (le, job) (rate(a_bucket{x=\"y\", job=~\"n-.*\"}[5m])))"
                        + " / on (job) group_left(model) b_total > 1e-3 or max_over_time(c[1h:1m]) unless absent(c)"));
        assertEquals(Set.of("up"), PromQl.metricNames("up{job=~\"normalcy-.*\"} == 0"));
    }

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
    static Set<String> markdownAnchors(String markdown) {
        Set<String> out = new HashSet<>();
        markdown.lines().filter(l -> l.startsWith("#")).forEach(l -> out.add(l.replaceFirst("^#+\\s*", "").strip()
                .toLowerCase().replaceAll("[^a-z0-9 _-]", "").replace(' ', '-')));
        return out;
    }
}
