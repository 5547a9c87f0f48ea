package io.explainstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The deploy/ files parse and say what the operations issue needs (the metrics they query: see OperationsIT). */
class DeployFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                JsonNode n = it.next();
                if (n != null && !n.isNull() && !n.isMissingNode()) {
                    docs.add(n);
                }
            }
        }
        return docs;
    }

    @Test
    void shouldParseEveryYamlFileOfTheDeployFolder() throws Exception {
        List<Path> files = DeployFiles.yamlFiles();
        assertTrue(files.size() >= 6, files.toString());
        for (Path f : files) {
            assertFalse(documents(f).isEmpty(), f + " has no document");
        }
    }

    @Test
    void shouldDefineTheComposeServicesWithAGpuReservationForTheL2eStage() throws Exception {
        JsonNode compose = documents(DeployFiles.DEPLOY.resolve("docker-compose.yml")).get(0);
        JsonNode services = compose.path("services");
        for (String s : List.of("kafka", "registry", "explainstream", "explainstream-l2e", "prometheus", "grafana")) {
            assertTrue(services.has(s), "service " + s);
        }
        assertEquals("broker,controller", services.path("kafka").path("environment").path("KAFKA_PROCESS_ROLES")
                .asText(), "KRaft");
        JsonNode gpu = services.path("explainstream-l2e").path("deploy").path("resources").path("reservations")
                .path("devices").get(0);
        assertEquals("gpu", gpu.path("capabilities").get(0).asText());
        assertEquals("l2e", services.path("explainstream-l2e").path("environment").path("EXPLAINSTREAM_STAGE").asText());
        assertTrue(services.path("grafana").path("volumes").toString().contains("provisioning"));
    }

    @Test
    void shouldDeclareTheKubernetesObjectsWithProbesResourcesAndAGpu() throws Exception {
        List<JsonNode> docs = documents(DeployFiles.DEPLOY.resolve("kubernetes/explainstream.yaml"));
        Map<String, List<JsonNode>> byKind = new HashMap<>();
        docs.forEach(d -> byKind.computeIfAbsent(d.path("kind").asText(), k -> new ArrayList<>()).add(d));
        for (String kind : List.of("ConfigMap", "Secret", "Deployment", "PodDisruptionBudget", "PodMonitor",
                "PrometheusRule")) {
            assertTrue(byKind.containsKey(kind), kind + " in " + byKind.keySet());
        }
        assertEquals(2, byKind.get("Deployment").size());
        boolean gpu = false;
        for (JsonNode d : byKind.get("Deployment")) {
            JsonNode c = d.path("spec").path("template").path("spec").path("containers").get(0);
            assertEquals("/health/ready", c.path("readinessProbe").path("httpGet").path("path").asText());
            assertEquals("/health/live", c.path("livenessProbe").path("httpGet").path("path").asText());
            assertTrue(c.path("resources").path("requests").has("cpu"));
            assertTrue(c.path("resources").path("limits").has("memory"));
            gpu |= c.path("resources").path("limits").has("nvidia.com/gpu");
        }
        assertTrue(gpu, "the L2E Deployment asks for a GPU");
        JsonNode rules = YAML.readTree(DeployFiles.RULES.toFile());
        assertEquals(rules.path("groups"), byKind.get("PrometheusRule").get(0).path("spec").path("groups"),
                "the PrometheusRule carries deploy/prometheus/alerts.yml");
    }

    @Test
    void shouldHaveAnAlertForEachOperationalRiskAndQueryOnlyExplainstreamAndKafkaMetrics() throws Exception {
        JsonNode rules = YAML.readTree(DeployFiles.RULES.toFile());
        List<String> names = new ArrayList<>();
        rules.path("groups").forEach(g -> g.path("rules").forEach(r -> names.add(r.path("alert").asText())));
        assertTrue(names.containsAll(Set.of("ExplainstreamNotRunning", "ExplainstreamConsumerLagRising",
                "ExplainstreamFidelityDrift", "ExplainstreamDlqRateHigh", "ExplainstreamL2eSaturated")), names.toString());
        Set<String> queried = DeployFiles.queriedMetrics();
        assertTrue(queried.contains("explainstream_fidelity_rmse"), queried.toString());
        assertTrue(queried.contains("kafka_consumer_fetch_manager_records_lag_max"), queried.toString());
        JsonNode dash = new ObjectMapper().readTree(DeployFiles.DASHBOARD.toFile());
        assertEquals("explainstream", dash.path("uid").asText());
        assertTrue(dash.path("panels").size() >= 10);
    }
}
