package io.normalcy.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboards ({@value #DASHBOARDS}): strict JSON, every query reading only metrics the services export
 * (see {@link PromQl}), provisioned into the compose Grafana from files that exist at the paths Grafana reads, and
 * shipped unchanged to Kubernetes as a ConfigMap for the Grafana sidecar ({@value #CONFIG_MAP}). No Docker engine in
 * CI, so the compose wiring is checked as data, like {@link ComposeFileTest} does for the services.
 */
class DashboardsTest {
    static final String DASHBOARDS = "deploy/grafana/dashboards";
    static final String CONFIG_MAP = "deploy/k8s/overlays/prod/grafana-dashboards.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Map<String, JsonNode> dashboards() throws IOException {
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(Repo.root().resolve(DASHBOARDS))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                out.put(f.getFileName().toString(), JSON.readTree(Files.readString(f)));
            }
        }
        return out;
    }

    /** Every panel, rows' nested panels included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }

    @Test
    void detectorAndTrainerDashboardsParseWithUniqueIdsAndAPrometheusDatasourceVariable() throws IOException {
        Map<String, JsonNode> ds = dashboards();
        assertEquals(Set.of("detector.json", "trainer.json"), ds.keySet());
        Set<String> uids = new HashSet<>();
        ds.forEach((file, d) -> {
            assertTrue(uids.add(d.path("uid").asText()), file + ": duplicate or missing uid");
            assertFalse(d.path("title").asText().isBlank(), file + ": title");
            assertTrue(d.path("templating").path("list").findValuesAsText("name").contains("datasource"),
                    file + ": a datasource variable, so the same JSON works with compose's and a cluster's Prometheus");
            Set<Integer> ids = new HashSet<>();
            for (JsonNode p : panels(d)) {
                assertTrue(ids.add(p.path("id").asInt()), file + ": duplicate panel id " + p.path("id"));
                if (!"row".equals(p.path("type").asText())) {
                    assertFalse(p.path("targets").isEmpty(), file + ": panel " + p.path("title") + " has no query");
                    assertEquals("${datasource}", p.path("datasource").path("uid").asText(), file + ": " + p.path("title"));
                }
            }
        });
    }

    @Test
    void everyQueryReadsOnlyMetricsTheServicesExport() throws IOException {
        Set<String> exported = PromQl.exported();
        Map<String, Set<String>> unknown = new TreeMap<>();
        int queries = 0;
        for (Map.Entry<String, JsonNode> d : dashboards().entrySet()) {
            for (JsonNode p : panels(d.getValue())) {
                for (JsonNode t : p.path("targets")) {
                    String expr = t.path("expr").asText();
                    assertFalse(expr.isBlank(), d.getKey() + ": empty query in " + p.path("title"));
                    Set<String> names = PromQl.metricNames(expr);
                    assertFalse(names.isEmpty(), d.getKey() + ": no metric in " + expr);
                    names.removeAll(exported);
                    if (!names.isEmpty()) {
                        unknown.put(d.getKey() + " / " + p.path("title").asText(), names);
                    }
                    queries++;
                }
            }
        }
        assertTrue(queries > 10, "dashboards have queries");
        assertTrue(unknown.isEmpty(), "queries read metrics nobody exports (deploy/src/test/resources/metrics): " + unknown);
    }

    @Test
    void theDashboardsConfigMapForKubernetesHasExactlyTheDashboardFiles() throws IOException {
        List<Map<String, Object>> docs = Repo.yamlDocuments(Repo.root().resolve(CONFIG_MAP));
        assertEquals(1, docs.size());
        Map<String, Object> cm = docs.get(0);
        assertEquals("ConfigMap", cm.get("kind"));
        assertEquals("1", String.valueOf(Repo.at(cm, "metadata", "labels", "grafana_dashboard")),
                "the Grafana sidecar's default label");
        Map<String, JsonNode> shipped = new TreeMap<>();
        for (Map.Entry<String, Object> e : Repo.map(cm, "data").entrySet()) {
            shipped.put(e.getKey(), JSON.readTree(String.valueOf(e.getValue())));
        }
        Map<String, JsonNode> files = dashboards();
        assertEquals(files.keySet(), shipped.keySet(), CONFIG_MAP + ": one data entry per dashboard file");
        files.forEach((name, json) -> assertTrue(json.equals(shipped.get(name)), CONFIG_MAP + ": " + name
                + " differs from " + DASHBOARDS + "/" + name + ": copy the file under data: as a literal block"));
        assertTrue(Repo.list(Repo.yaml(Repo.root().resolve("deploy/k8s/overlays/prod/kustomization.yaml")), "resources")
                .contains("grafana-dashboards.yaml"), "the prod overlay ships the dashboards");
    }

    @Test
    void composeGrafanaIsProvisionedWithThePrometheusDatasourceAndTheDashboards() {
        Compose compose = Compose.load();
        Map<String, Object> grafana = compose.service("grafana");
        assertTrue(String.valueOf(grafana.get("image")).startsWith("grafana/grafana:"), "grafana/grafana image");
        Map<String, Path> mounts = new HashMap<>();
        for (Object v : Repo.list(grafana, "volumes")) {
            String[] parts = String.valueOf(v).split(":");
            Path source = compose.file.getParent().resolve(parts[0]).normalize();
            assertTrue(Files.exists(source), "grafana mounts " + parts[0] + ", which does not exist");
            mounts.put(parts[1], source);
        }
        Path provisioning = mounts.get("/etc/grafana/provisioning");
        assertEquals(Repo.root().resolve("deploy/grafana/provisioning"), provisioning, "provisioning directory");

        Map<String, Object> datasource = Repo.map(Repo.list(Repo.yaml(provisioning.resolve("datasources/prometheus.yml")),
                "datasources").get(0));
        assertEquals("prometheus", datasource.get("type"));
        assertEquals("http://prometheus:" + Compose.containerPorts(compose.service("prometheus")).get(0),
                datasource.get("url"), "the datasource is the compose Prometheus");

        Map<String, Object> provider = Repo.map(Repo.list(Repo.yaml(provisioning.resolve("dashboards/normalcy.yml")),
                "providers").get(0));
        assertEquals("file", provider.get("type"));
        String path = String.valueOf(Repo.at(provider, "options", "path"));
        assertEquals(Repo.root().resolve(DASHBOARDS), mounts.get(path), "the provider reads the mounted dashboards");
        String home = Compose.environment(grafana).get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH");
        assertTrue(home != null && home.startsWith(path + "/")
                && Files.isRegularFile(mounts.get(path).resolve(home.substring(path.length() + 1))),
                "the home dashboard is a provisioned file: " + home);
        assertEquals("service_healthy", Repo.at(grafana, "depends_on", "prometheus", "condition"));
    }

    @Test
    void composePrometheusMountsTheRulesItsConfigLoads() {
        Compose compose = Compose.load();
        Set<String> mounted = new TreeSet<>();
        for (Object v : Repo.list(compose.service("prometheus"), "volumes")) {
            String[] parts = String.valueOf(v).split(":");
            mounted.add(compose.file.getParent().resolve(parts[0]).normalize() + " -> " + parts[1]);
        }
        assertTrue(mounted.contains(Repo.root().resolve("deploy/prometheus/rules") + " -> /etc/prometheus/rules"),
                "rules directory next to prometheus.yml in the container: " + mounted);
        for (Object f : Repo.list(Repo.yaml(Repo.root().resolve("deploy/prometheus/prometheus.yml")), "rule_files")) {
            assertTrue(Files.isRegularFile(Repo.root().resolve("deploy/prometheus").resolve(String.valueOf(f))),
                    "rule file " + f + " (relative to prometheus.yml) exists");
        }
    }
}
