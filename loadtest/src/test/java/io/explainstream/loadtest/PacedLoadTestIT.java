package io.explainstream.loadtest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short paced {@code loadtest --embedded} (the real broker and registry, 500 events/s): every event sent comes out,
 * the latency up to the output's append never exceeds the end-to-end latency, and the per-second windows account
 * for every measured event, one second apart, and the CPU used is charged to the app, the load test's own threads
 * and the rest (the in-process broker). Not a speed test: the figures in BENCHMARKS.md come from longer runs.
 */
class PacedLoadTestIT {
    @TempDir
    Path dir;

    @Test
    void measuresEveryEventEndToEndAndUpToItsAppendBySecond() throws Exception {
        Path json = dir.resolve("r.json");
        int exit = new CommandLine(new LoadTestCommand()).execute("--embedded", "--rate", "500", "--warmup", "3",
                "--duration", "6", "--guarantee", "at_least_once", "--commit-interval-ms", "100", "--json",
                json.toString());
        assertEquals(0, exit, "exit status");
        JsonNode r = new ObjectMapper().readTree(json.toFile());
        System.out.println(r.get("latency_ms").toPrettyString() + r.get("append_latency_ms").toPrettyString());
        assertEquals(r.get("events_sent").asLong(), r.get("events_out").asLong() + r.get("events_dlq").asLong(),
                "every event sent came out");
        assertEquals(0, r.get("send_failures").asLong());
        assertEquals(0, r.get("events_unreadable").asLong());

        JsonNode e2e = r.get("latency_ms");
        JsonNode append = r.get("append_latency_ms");
        long measured = e2e.get("count").asLong();
        assertTrue(measured >= 2_000, "about 6 s of 500 events/s measured: " + measured);
        assertEquals(measured, append.get("count").asLong(), "the explained topic carries append times");
        for (String p : new String[] {"p50", "p99", "max"}) {
            assertTrue(append.get(p).asDouble() <= e2e.get(p).asDouble(), p + ": append after arrival? " + r);
        }

        JsonNode windows = r.get("latency_by_second");
        long inWindows = 0;
        for (int i = 0; i < windows.size(); i++) {
            inWindows += windows.get(i).get("events").asLong();
            if (i > 0) {
                assertEquals(windows.get(i - 1).get("start_ms").asLong() + 1000,
                        windows.get(i).get("start_ms").asLong());
            }
        }
        assertEquals(measured, inWindows, "every measured event is in one window");
        assertTrue(windows.size() >= 6 && windows.size() <= 8, "one window per second measured: " + windows.size());

        JsonNode cpu = r.get("cpu_cores");
        double charged = 0;
        for (String group : new String[] {"app", "load_generator", "latency_reader", "other_threads"}) {
            assertTrue(cpu.get(group).asDouble() > 0, group + " used CPU while measured: " + cpu);
            charged += cpu.get(group).asDouble();
        }
        assertTrue(cpu.get("process_total").asDouble() >= charged - 0.01,
                "the threads are part of the process: " + cpu);
    }
}
