package io.explainstream.app.fidelity;

import io.explainstream.app.config.FidelitySettings;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per task, inside the GIME stage's processor: adds each event's observation to its group's sums for the tumbling
 * window of the record's timestamp (in a deferred, changelogged store, so the sums are exactly-once with the events
 * yet serialised once per commit, not once per event), and every {@code flush} of wall clock sends the sums of the
 * windows it has closed (end + grace at or before its stream time) and a heartbeat to the merging task. While no
 * record arrives, the task's stream time advances with the wall clock, so the last windows close too.
 */
public final class FidelityObserver {
    private final FidelitySettings settings;
    private final String storeName;
    private final String partialsSink;
    private ProcessorContext<byte[], Object> context;
    private KeyValueStore<String, Sums> store;
    private final Map<String, Sums> open = new HashMap<>();
    private long streamTime = Long.MIN_VALUE;
    private long lastRecordWall;
    private String task;
    private byte[] taskKey;
    private Window[] recent = new Window[0];

    /** The window each group's last event fell in, so an event of the same window needs no key or map lookup. */
    private record Window(long start, String key, Sums sums) {
    }

    /** Observes into store {@code storeName} and sends closed windows to sink {@code partialsSink} (the processor's). */
    public FidelityObserver(FidelitySettings settings, String storeName, String partialsSink) {
        this.settings = settings;
        this.storeName = storeName;
        this.partialsSink = partialsSink;
    }

    /** Restores the open windows and schedules the flush; call from the owning processor's {@code init}. */
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.task = context.applicationId() + "/" + context.taskId();
        this.taskKey = task.getBytes(StandardCharsets.UTF_8);
        try (KeyValueIterator<String, Sums> it = store.all()) {
            while (it.hasNext()) {
                var kv = it.next();
                open.put(kv.key, kv.value);
                streamTime = Math.max(streamTime, start(kv.key));
            }
        }
        lastRecordWall = context.currentSystemTimeMs();
        context.schedule(settings.flush(), PunctuationType.WALL_CLOCK_TIME, this::flush);
    }

    /**
     * Adds one assigned event: its record timestamp, group, |g_k(x) - f(x)| in z-units, top posterior, whether that is
     * at or above the routing threshold, whether it was routed to L2E, and for classifiers whether the surrogate agrees
     * with the model's label ({@link Observation#NO_LABEL}, {@link Observation#AGREE}, {@link Observation#DISAGREE}).
     */
    public void observe(long ts, int group, double residual, double posterior, boolean covered, boolean routed,
                        byte agree) {
        long w = settings.window().toMillis();
        long start = Math.floorDiv(ts, w) * w;
        if (group >= recent.length) {
            recent = Arrays.copyOf(recent, group + 1);
        }
        Window window = recent[group];
        if (window == null || window.start != start) {
            String key = group + ":" + start;
            window = new Window(start, key, open.computeIfAbsent(key, k -> new Sums()));
            recent[group] = window;
        }
        window.sums.add(residual, posterior, covered, routed, agree);
        store.put(window.key, window.sums);
        streamTime = Math.max(streamTime, ts);
        lastRecordWall = context.currentSystemTimeMs();
    }

    private void flush(long now) {
        if (streamTime == Long.MIN_VALUE) {
            return;
        }
        long idle = now - lastRecordWall;
        long effective = idle > settings.flush().toMillis() ? streamTime + idle : streamTime;
        long w = settings.window().toMillis();
        long grace = settings.grace().toMillis();
        List<String> closed = new ArrayList<>();
        for (Map.Entry<String, Sums> e : open.entrySet()) {
            if (start(e.getKey()) + w + grace <= effective) {
                closed.add(e.getKey());
            }
        }
        closed.sort(null);
        if (!closed.isEmpty()) {
            Arrays.fill(recent, null);
        }
        for (String key : closed) {
            Sums s = open.remove(key);
            store.delete(key);
            Partial p = new Partial(task, effective, group(key), start(key), s);
            context.forward(new Record<byte[], Object>(taskKey, p.encode(), start(key)), partialsSink);
        }
        context.forward(new Record<byte[], Object>(taskKey, Partial.heartbeat(task, effective).encode(),
                Math.max(0, streamTime)), partialsSink);
    }

    private static int group(String key) {
        return Integer.parseInt(key.substring(0, key.indexOf(':')));
    }

    private static long start(String key) {
        return Long.parseLong(key.substring(key.indexOf(':') + 1));
    }
}
