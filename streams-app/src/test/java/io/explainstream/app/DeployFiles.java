package io.explainstream.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The deploy/ folder: its files, and the metric names its Prometheus rules and Grafana dashboard query. */
final class DeployFiles {
    static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
    static final Path RULES = DEPLOY.resolve("prometheus/alerts.yml");
    static final Path DASHBOARD = DEPLOY.resolve("grafana/dashboards/explainstream.json");
    private static final Pattern METRIC = Pattern.compile("\\b((?:explainstream|kafka)_[a-zA-Z0-9_]+)");

    private DeployFiles() {
    }

    /** Every PromQL expression of the alert rules and the dashboard. */
    static List<String> expressions() {
        List<String> exprs = new ArrayList<>();
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            for (JsonNode group : yaml.readTree(RULES.toFile()).path("groups")) {
                for (JsonNode rule : group.path("rules")) {
                    exprs.add(rule.path("expr").asText());
                }
            }
            JsonNode dash = new ObjectMapper().readTree(DASHBOARD.toFile());
            dash.findValues("expr").forEach(e -> exprs.add(e.asText()));
            dash.findValues("query").forEach(e -> exprs.add(e.asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exprs;
    }

    /** The metric names the expressions query, without Prometheus' histogram suffixes resolved. */
    static Set<String> queriedMetrics() {
        Set<String> names = new TreeSet<>();
        for (String e : expressions()) {
            Matcher m = METRIC.matcher(e);
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    static List<Path> yamlFiles() throws IOException {
        try (var s = Files.walk(DEPLOY)) {
            return s.filter(p -> p.toString().endsWith(".yml") || p.toString().endsWith(".yaml")).sorted().toList();
        }
    }
}
