package io.explainstream.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CI-sized chaos soak: {@code loadtest --embedded --chaos kill-app,restart-broker --duration 60} (the app and
 * the broker as child processes, SIGKILLs and broker restarts at seeded random moments) ends with every event out
 * exactly once, and the report says so and lists the faults. {@code -Dchaos.duration=300} soaks longer;
 * {@code -Dchaos.seed=N} replays a schedule.
 */
class ChaosSoakIT {
    private static final long SEED = Long.getLong("chaos.seed", System.nanoTime() % 100_000);
    private static final String DURATION = System.getProperty("chaos.duration", "60");

    @TempDir
    Path dir;

    @Test
    void loseAndDuplicateNothingThroughAppKillsAndBrokerRestarts() throws Exception {
        Path json = dir.resolve("r.json");
        System.out.println("chaos.seed=" + SEED);
        int exit = new CommandLine(new LoadTestCommand()).execute("--embedded", "--chaos", "kill-app,restart-broker",
                "--duration", DURATION, "--rate", "200", "--partitions", "3", "--seed", Long.toString(SEED),
                "--json", json.toString());
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        System.out.println(r.toPrettyString());
        assertEquals(0, r.get("lost").asInt(), "lost");
        assertEquals(0, r.get("duplicated").asInt(), "duplicated");
        assertEquals(0, r.get("send_failures").asInt(), "send failures");
        assertEquals(r.get("events_in").asLong(), r.get("events_out").asLong() + r.get("events_dlq").asLong());
        assertEquals(200L * Long.parseLong(DURATION), r.get("events_in").asLong(), "every paced event acknowledged");
        assertTrue(r.get("events_dlq").asLong() > 0, "the 2 % bad records were dead-lettered");
        Set<String> kinds = new HashSet<>();
        r.get("faults").forEach(f -> kinds.add(f.get("fault").asText()));
        assertEquals(Set.of("kill-app", "restart-broker"), kinds, "both faults struck");
        assertEquals(0, exit, "exit status");
    }
}
