package io.explainstream.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small {@code loadtest --embedded --compare-identity} (the real broker and registry, 300,000 events, one round;
 * fewer can leave a drain inside one exactly-once commit, which the load test refuses to time):
 * every topology drains the backlog, the report's ratios are its throughputs' quotients, the size-matched
 * identity's records are padded by the measured difference between explained and identity records, and each drain
 * reports where the CPU went and how long the stream thread waited on Kafka. Not a speed
 * test: the figures in BENCHMARKS.md come from the full command.
 */
class CompareIdentityIT {
    @TempDir
    Path dir;

    @Test
    void drainsTheBacklogWithAllThreeTopologiesAndReportsTheirRatios() throws Exception {
        Path json = dir.resolve("r.json");
        int exit = new CommandLine(new LoadTestCommand()).execute("--embedded", "--compare-identity",
                "--backlog", "300000", "--rounds", "1", "--duration", "10", "--json", json.toString());
        assertEquals(0, exit, "exit status");
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        System.out.println(r.toPrettyString());
        double explain = r.get("throughput_eps").asDouble();
        double identity = r.get("identity_throughput_eps").asDouble();
        double sized = r.get("size_matched_identity_throughput_eps").asDouble();
        assertTrue(explain > 0 && identity > 0 && sized > 0, "every topology drained");
        assertEquals(explain / identity, r.get("ratio").asDouble(), 1e-9);
        assertEquals(sized / identity, r.get("size_matched_ratio").asDouble(), 1e-9);
        assertEquals(explain / sized, r.get("ratio_to_size_matched").asDouble(), 1e-9);

        JsonNode bytes = r.get("bytes_per_output_record");
        double identityBytes = bytes.get("identity").asDouble();
        double explainedBytes = bytes.get("explaining").asDouble();
        assertTrue(explainedBytes > identityBytes, "an explained record carries more than its event: " + bytes);
        assertEquals(Math.round(explainedBytes - identityBytes), bytes.get("size_matched_padding").asLong());

        Map<String, Double> measuredBytes = new HashMap<>();
        r.get("phases").forEach(p -> measuredBytes.put(p.get("topology").asText(),
                p.get("bytes_per_output_record").asDouble()));
        assertEquals(3, measuredBytes.size(), "one round of three topologies: " + measuredBytes);
        assertEquals(measuredBytes.get("explain"), measuredBytes.get("size-matched"), 2.0,
                "the size-matched records are as large as the explained ones");

        r.get("phases").forEach(p -> {
            JsonNode cores = p.get("cpu_cores");
            assertTrue(cores.get("app").asDouble() > 0, "the stream thread worked: " + p);
            assertTrue(cores.has("output_counter"), "the output counter's own threads are charged apart: " + p);
            assertTrue(cores.get("process_total").asDouble() >= cores.get("app").asDouble() - 0.01, p.toString());
            double blocked = p.get("stream_thread_waits").get("blocked").asDouble();
            assertTrue(blocked >= 0 && blocked <= 1.01, "blocked is a share of the drain's wall time: " + p);
        });
    }

    /** With exactly-once and an 8 s commit interval, the whole backlog becomes readable in one transaction. */
    @Test
    void refusesToTimeADrainThatOneCommitHolds() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new LoadTestCommand()).execute("--embedded", "--compare-identity",
                    "--backlog", "2000", "--rounds", "1", "--duration", "10", "--commit-interval-ms", "8000");
        } finally {
            System.setErr(stderr);
        }
        String said = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, said);
        assertTrue(said.contains("cannot be timed: raise --backlog"), said);
    }
}
