package io.explainstream.app.topology;

import io.explainstream.app.config.FidelitySettings;
import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.config.Stage;
import io.explainstream.app.config.Topics;
import io.explainstream.app.ops.BundleSwapper;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.gime.Router;
import io.explainstream.schema.DriftAlert;
import io.explainstream.schema.DriftMetric;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.FidelityWindow;
import io.explainstream.schema.RoutingReason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.explainstream.app.topology.TestBundles.MODEL_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Online fidelity windows, drift alarms and bundle hot-swap, on the TopologyTestDriver. */
class OperationsTopologyTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long WINDOW = 10_000;
    /** Raw vectors whose scaled form points at group 0, 1 and 2. */
    private static final float[][] TOWARDS = {{3, 4, 3, 4}, {1, 2, 3.5f, 0}, {0, 2, 3, 8}};

    @TempDir
    Path dir;

    private static FidelitySettings fidelity(int windows) {
        return new FidelitySettings(true, "explain.fidelity", "explain.alerts", "test-fidelity-partials",
                Duration.ofMillis(WINDOW), Duration.ZERO, Duration.ofSeconds(1), 5,
                new FidelitySettings.DriftBounds(1.5, 0.05, 0.15, windows));
    }

    private static TopologySettings settings(ModelHolder models, L2eSettings l2e, FidelitySettings f) {
        LoadedBundle b = models.current().bundle();
        return new TopologySettings(Topics.defaults(), Stage.ALL, b, models.current().router(), l2e, 10,
                Harness.EXPLAINERS, models, f);
    }

    /** An event near group k's direction whose f(x) is g_k(x) + shift + noise (z-units). */
    private static io.explainstream.schema.PredictionEvent event(String id, int k, double shift, Random r) {
        float[] raw = TOWARDS[k].clone();
        for (int j = 0; j < raw.length; j++) {
            raw[j] += (float) (0.05 * r.nextGaussian());
        }
        double[] x = TestBundles.scaled(raw);
        int group = TestBundles.argmax(TestBundles.posteriors(x));
        assertEquals(k, group);
        double fz = TestBundles.surrogate(group, x) + shift + 0.1 * r.nextGaussian();
        return Events.dense(id, MODEL_ID, raw, TestBundles.TARGET_MEAN + TestBundles.TARGET_SCALE * fz);
    }

    @Test
    void shouldPublishPerGroupWindowsWhoseRmseIsTheOneOfTheOutputEvents() {
        LoadedBundle b = TestBundles.write(TestBundles.tabular(null), dir.resolve("b"));
        ModelHolder models = ModelHolder.fixed(b, new Router(0.9, 0.15));
        try (Harness h = new Harness(settings(models, L2eSettings.defaults(), fidelity(3)))) {
            Random r = new Random(1);
            for (int i = 0; i < 300; i++) {
                float[] raw = {(float) (1 + r.nextGaussian()), (float) (2 + 2 * r.nextGaussian()),
                        (float) (3 + 0.5 * r.nextGaussian()), (float) (4 + 4 * r.nextGaussian())};
                h.input.pipeInput(("k" + i).getBytes(), h.encode(Events.dense("e" + i, MODEL_ID, raw,
                        10 + 2 * r.nextGaussian())), T0 + i * 100L);
            }
            h.driver.advanceWallClockTime(Duration.ofSeconds(2));

            Map<String, List<ExplainedEvent>> byWindow = new HashMap<>();
            for (TestRecord<byte[], ExplainedEvent> o : h.output.readRecordsToList()) {
                long start = Math.floorDiv(o.timestamp(), WINDOW) * WINDOW;
                byWindow.computeIfAbsent(o.value().getGroupId() + "@" + start, k -> new ArrayList<>()).add(o.value());
            }
            List<FidelityWindow> windows = h.fidelity.readValuesToList();
            assertEquals(byWindow.size(), windows.size(), "one window per group and 10 s of events");
            for (FidelityWindow w : windows) {
                List<ExplainedEvent> events = byWindow.get(w.getGroupId() + "@" + w.getWindowStart());
                assertNotNull(events, w.toString());
                double ss = 0;
                long routed = 0;
                long covered = 0;
                for (ExplainedEvent e : events) {
                    ss += e.getResidual() * e.getResidual();
                    routed += e.getRouting() == RoutingReason.NONE ? 0 : 1;
                    covered += e.getPosterior() >= 0.9 ? 1 : 0;
                }
                assertEquals(events.size(), w.getCount());
                assertEquals(Math.sqrt(ss / events.size()), w.getRmse(), 1e-9);
                assertEquals((double) routed / events.size(), w.getL2eShare(), 1e-12);
                assertEquals((double) covered / events.size(), w.getCoverage(), 1e-12);
                assertEquals(w.getWindowStart() + WINDOW, w.getWindowEnd());
                assertEquals(0.2, w.getExpectedRmse());
                assertNull(w.getLabelAgreement(), "regression");
                assertEquals("test-bundle-1", w.getBundleVersion());
            }
            assertTrue(h.output.isEmpty());
            assertTrue(h.fidelity.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldRaiseADriftAlarmForTheGroupWhoseBlackBoxShiftedAndNotForTheOthers() {
        LoadedBundle b = TestBundles.write(TestBundles.tabular(null), dir.resolve("b"));
        ModelHolder models = ModelHolder.fixed(b, new Router(0.5, 100));
        try (Harness h = new Harness(settings(models, L2eSettings.defaults(), fidelity(3)))) {
            Random r = new Random(2);
            int n = 0;
            for (int window = 0; window < 8; window++) {
                for (int i = 0; i < 30; i++) {
                    int k = i % 3;
                    double shift = window >= 3 && k == 0 ? 1.0 : 0;
                    h.input.pipeInput(("k" + n).getBytes(), h.encode(event("e" + n, k, shift, r)),
                            T0 + window * WINDOW + i * 300L);
                    n++;
                }
            }
            h.driver.advanceWallClockTime(Duration.ofSeconds(2));

            assertEquals(n, h.output.readRecordsToList().size());
            List<FidelityWindow> windows = h.fidelity.readValuesToList();
            assertEquals(24, windows.size());
            List<DriftAlert> alerts = h.alerts.readValuesToList();
            assertEquals(1, alerts.size(), alerts.toString());
            DriftAlert a = alerts.get(0);
            assertEquals(0, a.getGroupId());
            assertEquals(DriftMetric.RMSE, a.getMetric());
            assertEquals(3, a.getWindows());
            assertEquals(T0 - Math.floorMod(T0, WINDOW) + 6 * WINDOW, a.getWindowEnd() - 0, 0,
                    "fires at the end of the third shifted window");
            assertEquals(0.2, a.getExpected());
            assertTrue(a.getObserved() > 0.35 && a.getDelta() > 0.15, a.toString());
            assertTrue(a.getMessage().contains("group 0") && a.getMessage().contains("needs refitting"),
                    a.getMessage());
            assertTrue(h.output.isEmpty());
            assertTrue(h.alerts.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldServeASwappedBundleFromTheNextEventAndRefuseABadOne() throws IOException {
        LoadedBundle v1 = TestBundles.write(TestBundles.tabular(null), dir.resolve("v1"));
        ModelBundle m = TestBundles.tabular(null);
        LoadedBundle v2 = TestBundles.write(new ModelBundle(m.formatVersion(), m.modelId(), "test-bundle-2",
                m.task(), m.features(), m.scaler(), m.target(), m.gime(), m.routing(), null, m.provenance()),
                dir.resolve("v2"));
        Files.createDirectories(dir.resolve("corrupt"));
        Files.writeString(dir.resolve("corrupt/bundle.json"), "{ \"modelId\": ");
        LoadedBundle other = TestBundles.write(new ModelBundle(m.formatVersion(), "another-model", "x", m.task(),
                m.features(), m.scaler(), m.target(), m.gime(), m.routing(), null, m.provenance()),
                dir.resolve("other"));
        ModelHolder models = ModelHolder.fixed(v1, new Router(0.5, 1.0));
        try (Harness h = new Harness(settings(models, L2eSettings.defaults(), FidelitySettings.disabled()));
             BundleSwapper swapper = new BundleSwapper(models, Harness.EXPLAINERS, L2eSettings.defaults(), false,
                     null, new SimpleMeterRegistry())) {
            Random r = new Random(3);
            h.send("a", event("a", 0, 0, r));
            assertEquals("test-bundle-1", h.output.readValue().getBundleVersion());

            assertTrue(swapper.offer(v2.directory()));
            h.send("b", event("b", 0, 0, r));
            assertEquals("test-bundle-2", h.output.readValue().getBundleVersion());

            assertFalse(swapper.offer(dir.resolve("corrupt")));
            assertTrue(swapper.lastError().contains("bundle.json is not a valid manifest"), swapper.lastError());
            assertFalse(swapper.offer(other.directory()));
            assertTrue(swapper.lastError().contains("another-model"), swapper.lastError());
            h.send("c", event("c", 0, 0, r));
            assertEquals("test-bundle-2", h.output.readValue().getBundleVersion(), "the old bundle keeps serving");
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldSwapTheL2eExplainerWithTheBundle() throws IOException {
        LoadedBundle v1 = TestBundles.tabularWithL2e(dir.resolve("v1"), false);
        LoadedBundle base = TestBundles.tabularWithL2e(dir.resolve("v2src"), false);
        ModelBundle m = base.model();
        var l = m.l2e();
        ModelBundle m2 = new ModelBundle(m.formatVersion(), m.modelId(), "test-bundle-2", m.task(), m.features(),
                m.scaler(), m.target(), m.gime(), m.routing(), new io.explainstream.bundle.L2eSpec(l.file(),
                "test-linear-2", l.teacher(), l.inputFeatures(), l.inputPrediction(), l.outputScores(),
                l.outputLabels()), m.provenance());
        LoadedBundle v2 = BundleIo.write(m2, dir.resolve("v2"), base.l2eModelFile().orElseThrow());
        Files.createDirectories(dir.resolve("bad-onnx"));
        Files.writeString(dir.resolve("bad-onnx/l2e.onnx"), "not an onnx model");
        BundleIo.write(new ModelBundle(m.formatVersion(), m.modelId(), "test-bundle-3", m.task(), m.features(),
                m.scaler(), m.target(), m.gime(), m.routing(), m.l2e(), m.provenance()), dir.resolve("bad-onnx"),
                null);
        ModelHolder models = ModelHolder.fixed(v1, new Router(0.99, 100));
        L2eSettings l2e = Harness.l2e(1);
        try (Harness h = new Harness(settings(models, l2e, FidelitySettings.disabled()));
             BundleSwapper swapper = new BundleSwapper(models, Harness.EXPLAINERS, l2e, true,
                     Harness.EXPLAINERS.open(v1, l2e), new SimpleMeterRegistry())) {
            Random r = new Random(4);
            h.send("a", event("a", 0, 0, r));
            ExplainedEvent a = h.output.readValue();
            assertEquals(ExplanationSource.L2E, a.getExplanation().getSource());
            assertEquals("test-linear-1", a.getExplainerVersion());

            assertFalse(swapper.offer(dir.resolve("bad-onnx")));
            assertTrue(swapper.lastError().contains("L2E explainer does not open"), swapper.lastError());
            assertTrue(swapper.offer(v2.directory()));
            h.send("b", event("b", 0, 0, r));
            ExplainedEvent b = h.output.readValue();
            assertEquals(ExplanationSource.L2E, b.getExplanation().getSource());
            assertEquals("test-linear-2", b.getExplainerVersion());
            assertEquals("test-bundle-2", b.getBundleVersion());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }
}
