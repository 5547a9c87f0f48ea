package io.explainstream.loadtest;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latencies grouped by the wall-clock window in which their events arrived, so a report shows when a tail happened
 * (a stall, a pause) and not only how large it was: per window the end-to-end latency and, where known, the latency
 * up to the broker's append of the output record (so a late consumer can be told from a late pipeline). Windows are
 * {@code windowMillis} long and aligned to the epoch; a window closes when the first latency of a later window
 * arrives. Windows in which nothing arrived are reported with no events. Not thread-safe.
 */
final class LatencyWindows {
    /** Passed as the append latency when the output record carries no broker append time. */
    static final long UNKNOWN = -1;

    private final long windowMillis;
    private final Histogram endToEnd;
    private final Histogram append;
    private final List<Map<String, Object>> closed = new ArrayList<>();
    private long currentStart = -1;

    LatencyWindows(long windowMillis, long highestTrackableMicros) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("windowMillis must be positive: " + windowMillis);
        }
        this.windowMillis = windowMillis;
        this.endToEnd = new Histogram(highestTrackableMicros, 3);
        this.append = new Histogram(highestTrackableMicros, 3);
    }

    /**
     * Records one event that arrived at {@code arrivalMillis}. Latencies lie between 0 and the highest trackable
     * value; {@code appendMicros} may be {@link #UNKNOWN}.
     */
    void record(long arrivalMillis, long endToEndMicros, long appendMicros) {
        long start = Math.floorDiv(arrivalMillis, windowMillis) * windowMillis;
        if (currentStart < 0) {
            currentStart = start;
        }
        while (start > currentStart) {
            close();
        }
        endToEnd.recordValue(endToEndMicros);
        if (appendMicros != UNKNOWN) {
            append.recordValue(appendMicros);
        }
    }

    /** Forgets every window, the open one included. */
    void reset() {
        closed.clear();
        endToEnd.reset();
        append.reset();
        currentStart = -1;
    }

    /**
     * The windows so far, oldest first, the open one last: {@code start_ms} (epoch millis), {@code events}, and in
     * milliseconds {@code p50}, {@code p99}, {@code max} end to end and {@code append_p99}, {@code append_max} up to
     * the output's append (each absent when nothing was recorded for it in the window).
     */
    List<Map<String, Object>> windows() {
        List<Map<String, Object>> all = new ArrayList<>(closed);
        if (currentStart >= 0 && endToEnd.getTotalCount() > 0) {
            all.add(summary());
        }
        return all;
    }

    private void close() {
        closed.add(summary());
        endToEnd.reset();
        append.reset();
        currentStart += windowMillis;
    }

    private Map<String, Object> summary() {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("start_ms", currentStart);
        w.put("events", endToEnd.getTotalCount());
        if (endToEnd.getTotalCount() > 0) {
            w.put("p50", endToEnd.getValueAtPercentile(50) / 1000.0);
            w.put("p99", endToEnd.getValueAtPercentile(99) / 1000.0);
            w.put("max", endToEnd.getMaxValue() / 1000.0);
        }
        if (append.getTotalCount() > 0) {
            w.put("append_p99", append.getValueAtPercentile(99) / 1000.0);
            w.put("append_max", append.getMaxValue() / 1000.0);
        }
        return w;
    }
}
