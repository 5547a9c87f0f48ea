package io.explainstream.app.fidelity;

import io.explainstream.app.config.FidelitySettings;
import io.explainstream.app.topology.ModelHolder;
import io.explainstream.app.topology.TestBundles;
import io.explainstream.gime.Router;
import io.explainstream.schema.FidelityWindow;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The merging task's windows when one task runs far ahead of another, driven through a mock processor context. */
class FidelityMergeProcessorTest {
    private static final long WINDOW = 2_000;

    @TempDir
    Path dir;

    @Test
    void shouldCorrectAWindowWithALateTasksSumsAfterAnIdleTaskRanAheadAndDiscardSumsPastRetention() {
        MockProcessorContext<byte[], Object> context = new MockProcessorContext<>();
        FidelityMergeProcessor merge = merge(context);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);

        send(merge, new Partial("a", 2_000, 1, 0, sums(45)));
        send(merge, Partial.heartbeat("a", 2_000));
        assertEquals(List.of(45L), published(context));

        context.setCurrentSystemTimeMs(30_000);
        send(merge, Partial.heartbeat("a", 2_000 + 30_000));
        assertEquals(List.of(), published(context));

        context.setCurrentSystemTimeMs(40_000);
        send(merge, new Partial("b", 2_000, 1, 0, sums(20)));
        assertEquals(List.of(65L), published(context), "the window published again with both tasks' sums");

        context.setCurrentSystemTimeMs(40_000 + FidelityMergeProcessor.RETAIN_WALL.toMillis() + 1);
        send(merge, Partial.heartbeat("a", 2_000 + 60_000));
        send(merge, new Partial("c", 2_000, 1, 0, sums(7)));
        assertEquals(1.0, meters.counter(FidelityGauges.LATE_DISCARDED).count());
        Metrics.removeRegistry(meters);
        assertTrue(published(context).isEmpty(), "a part of a forgotten window is never published as the window");
    }

    @Test
    void shouldPublishAWindowOnlyALateTaskHadEventsInWhenItsSumsArrive() {
        MockProcessorContext<byte[], Object> context = new MockProcessorContext<>();
        FidelityMergeProcessor merge = merge(context);
        send(merge, new Partial("a", 2_000, 1, 0, sums(45)));
        send(merge, Partial.heartbeat("a", 30_000));
        assertEquals(List.of(45L), published(context), "task b is not known yet: its windows close without it");

        send(merge, new Partial("b", 4_000, 1, 2_000, sums(12)));
        assertEquals(List.of(12L), published(context), "no other task had events in it: published now, not dropped");
    }

    private FidelityMergeProcessor merge(MockProcessorContext<byte[], Object> context) {
        FidelitySettings f = new FidelitySettings(true, "explain.fidelity", "explain.alerts", "partials",
                Duration.ofMillis(WINDOW), Duration.ZERO, Duration.ofMillis(200), 5,
                new FidelitySettings.DriftBounds(1.5, 0.05, 0.15, 3));
        ModelHolder models = ModelHolder.fixed(TestBundles.write(TestBundles.tabular(null), dir.resolve("b")),
                new Router(0.5, 1.0));
        for (String name : List.of("sums", "drift")) {
            KeyValueStore<String, ?> store = name.equals("sums")
                    ? Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Sums.serde())
                    .withLoggingDisabled().build()
                    : Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String())
                    .withLoggingDisabled().build();
            store.init(context.getStateStoreContext(), store);
            context.addStateStore(store);
        }
        FidelityMergeProcessor merge = new FidelityMergeProcessor(f, models, "sums", "drift", "fidelity", "alerts");
        context.setCurrentSystemTimeMs(0);
        merge.init(context);
        return merge;
    }

    private static void send(FidelityMergeProcessor merge, Partial p) {
        merge.process(new Record<>(p.task().getBytes(), p.encode(), 0L));
    }

    private static Sums sums(int n) {
        Sums s = new Sums();
        for (int i = 0; i < n; i++) {
            s.add(new Observation(1, 0.1, 0.9, true, false, Observation.NO_LABEL));
        }
        return s;
    }

    private static List<Long> published(MockProcessorContext<byte[], Object> context) {
        List<Long> counts = context.forwarded().stream().filter(c -> c.childName().orElseThrow().equals("fidelity"))
                .map(c -> ((FidelityWindow) c.record().value()).getCount()).toList();
        context.resetForwards();
        return counts;
    }
}
