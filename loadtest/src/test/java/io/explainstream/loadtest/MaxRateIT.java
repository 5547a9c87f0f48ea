package io.explainstream.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small {@code loadtest --embedded --max} (the real broker and registry, 2 s probes, 6 s confirmations): for each
 * topology the short probes find a rate, the confirmation holds it or steps down (to the lower of 90 % of it and
 * 95 % of the output rate it reached), and the reported maximum is the rate a confirmation held. Not a speed test:
 * the figures in BENCHMARKS.md come from the full command.
 */
class MaxRateIT {
    @TempDir
    Path dir;

    @Test
    void confirmsTheRateTheShortProbesFoundOrStepsDownFromIt() throws Exception {
        Path json = dir.resolve("r.json");
        int exit = new CommandLine(new LoadTestCommand()).execute("--embedded", "--max", "--rate", "20000",
                "--probe-seconds", "2", "--confirm-seconds", "6", "--json", json.toString());
        assertEquals(0, exit, "exit status");
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        System.out.println(r.toPrettyString());
        check(r, "explain", r.get("max_sustainable_eps").asDouble(), r.get("short_probe_max_eps").asDouble());
        check(r, "identity", r.get("identity_max_sustainable_eps").asDouble(),
                r.get("identity_short_probe_max_eps").asDouble());
        assertEquals(r.get("max_sustainable_eps").asDouble() / r.get("identity_max_sustainable_eps").asDouble(),
                r.get("ratio").asDouble(), 1e-9);
    }

    private static void check(JsonNode r, String topology, double confirmed, double probed) {
        List<JsonNode> confirms = new ArrayList<>();
        r.get("probes").forEach(p -> {
            if (p.get("topology").asText().equals(topology) && p.path("confirm").asBoolean()) {
                confirms.add(p);
            }
        });
        assertFalse(confirms.isEmpty(), topology + ": a confirmation ran");
        assertTrue(probed > 0 && confirmed > 0 && confirmed <= probed, topology + ": " + confirmed + " of " + probed);
        assertEquals(probed, confirms.get(0).get("rate").asDouble(), 1e-6, "the first confirms the probes' maximum");
        for (int i = 1; i < confirms.size(); i++) {
            assertFalse(confirms.get(i - 1).get("sustainable").asBoolean(), "only a failed confirmation steps down");
            JsonNode failed = confirms.get(i - 1);
            double next = confirms.get(i).get("rate").asDouble();
            assertEquals(Math.floor(Math.min(0.9 * failed.get("rate").asDouble(),
                    0.95 * failed.get("out_rate_second_half").asDouble())), next, 1e-6,
                    "the lower of 90 % of the failed rate and 95 % of what it got out: " + failed);
        }
        JsonNode last = confirms.get(confirms.size() - 1);
        assertTrue(last.get("sustainable").asBoolean(), topology + ": " + last);
        assertEquals(confirmed, last.get("rate").asDouble(), 1e-6);
        assertTrue(last.get("max_lag_second_half").asLong() < confirmed, last.toString());
    }
}
