package io.explainstream.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyWindowsTest {

    @Test
    void shouldGroupLatenciesBySecondOfArrivalAndReportEmptySeconds() {
        LatencyWindows w = new LatencyWindows(1000, 60_000_000);
        for (int i = 1; i <= 100; i++) {
            w.record(10_000 + i, i * 1000L, i * 500L);
        }
        w.record(10_999, 500_000, 2_000);
        w.record(13_500, 7_000, LatencyWindows.UNKNOWN);

        List<Map<String, Object>> windows = w.windows();

        assertEquals(4, windows.size());
        assertEquals(10_000L, windows.get(0).get("start_ms"));
        assertEquals(101L, windows.get(0).get("events"));
        assertEquals(500.0, (double) windows.get(0).get("max"), 0.5);
        assertEquals(100.0, (double) windows.get(0).get("p99"), 0.5);
        assertEquals(50.0, (double) windows.get(0).get("append_p99"), 0.5);
        assertEquals(50.0, (double) windows.get(0).get("append_max"), 0.5);
        assertEquals(11_000L, windows.get(1).get("start_ms"));
        assertEquals(0L, windows.get(1).get("events"));
        assertFalse(windows.get(1).containsKey("p99"));
        assertEquals(12_000L, windows.get(2).get("start_ms"));
        assertEquals(13_000L, windows.get(3).get("start_ms"));
        assertEquals(7.0, (double) windows.get(3).get("max"), 0.01);
        assertFalse(windows.get(3).containsKey("append_p99"));
    }

    @Test
    void shouldForgetEveryWindowOnReset() {
        LatencyWindows w = new LatencyWindows(1000, 60_000_000);
        w.record(5_000, 1_000, 500);
        w.record(6_000, 2_000, 500);

        w.reset();
        w.record(9_100, 3_000, 1_000);

        List<Map<String, Object>> windows = w.windows();
        assertEquals(1, windows.size());
        assertEquals(9_000L, windows.get(0).get("start_ms"));
        assertEquals(3.0, (double) windows.get(0).get("p50"), 0.01);
        assertTrue(new LatencyWindows(1000, 60_000_000).windows().isEmpty());
    }

    @Test
    void shouldRefuseANonPositiveWindow() {
        assertThrows(IllegalArgumentException.class, () -> new LatencyWindows(0, 1000));
    }
}
