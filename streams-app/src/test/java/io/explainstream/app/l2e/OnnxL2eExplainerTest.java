package io.explainstream.app.l2e;

import io.explainstream.testkit.TestOnnxModels;

import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class OnnxL2eExplainerTest {

    private static final int D = LinearExplainerFixture.D;
    private static final float[] W = LinearExplainerFixture.W;

    @TempDir
    Path dir;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private Path model(boolean withLabels) {
        return TestOnnxModels.writeLinearExplainer(dir.resolve("l2e.onnx"), D, W, withLabels);
    }

    private OnnxL2eExplainer openCpu(boolean withLabels) {
        return OnnxL2eExplainer.open(model(withLabels), TestOnnxModels.spec("l2e.onnx", withLabels), D,
                ProviderChoice.CPU, meters);
    }

    private static float[][] rows(Random rnd, int n, int d) {
        float[][] x = new float[n][d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (rnd.nextGaussian() * 1.5);
            }
        }
        return x;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 64})
    void scoresAndLabelsMatchTheHandComputation(int n) {
        Random rnd = new Random(42 + n);
        float[][] x = rows(rnd, n, D);
        float[] y = LinearExplainerFixture.predictions(rnd, n);
        try (OnnxL2eExplainer explainer = openCpu(true)) {
            L2eResult r = explainer.explain(x, y, n);
            assertEquals(n, r.size());
            assertNotNull(r.labels());
            int labelled = 0;
            for (int i = 0; i < n; i++) {
                float[] expected = TestOnnxModels.expectedScores(x[i], W, y[i]);
                assertArrayEquals(expected, r.scores()[i], 1e-6f, "row " + i);
                assertEquals(D, r.labels()[i].length);
                Label[] labels = TestOnnxModels.expectedLabels(expected, null);
                for (int j = 0; j < D; j++) {
                    if (!LinearExplainerFixture.nearLabelBoundary(expected[j])) {
                        assertEquals(labels[j], r.labels()[i][j],
                                "row " + i + " feature " + j + " score " + expected[j]);
                        labelled++;
                    }
                }
            }
            assertTrue(labelled > 0);
            assertTrue(r.inferNanos() > 0);
            assertTrue(r.encodeNanos() >= 0 && r.decodeNanos() >= 0);
        }
    }

    @Test
    void everyLabelIsReachable() {
        // feature 0 has weight 0.5, y = 1: scores -3, -1.5, 0, 1.5, 3 → one of each label, next to a HIGH_POSITIVE
        // (feature 2: 6) and a HIGH_NEGATIVE (feature 1: -3.75), so the decoder promotes nothing
        float[] xs = {-6f, -3f, 0f, 3f, 6f};
        float[][] x = new float[xs.length][D];
        float[] y = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            x[i][0] = xs[i];
            x[i][2] = 3f;
            x[i][1] = 3f;
            y[i] = 1f;
        }
        try (OnnxL2eExplainer explainer = openCpu(true)) {
            L2eResult r = explainer.explain(x, y, xs.length);
            for (int i = 0; i < xs.length; i++) {
                assertEquals(Label.values()[i], r.labels()[i][0], "score " + r.scores()[i][0]);
                assertEquals(Label.HIGH_POSITIVE, r.labels()[i][2], "score 6");
                assertEquals(Label.HIGH_NEGATIVE, r.labels()[i][1], "score -3.75");
                assertEquals(Label.NEUTRAL, r.labels()[i][3], "zero score");
            }
        }
    }

    @Test
    void withoutLabelOutputLabelsAreNull() {
        Random rnd = new Random(3);
        float[][] x = rows(rnd, 5, D);
        float[] y = LinearExplainerFixture.predictions(rnd, 5);
        try (OnnxL2eExplainer explainer = openCpu(false)) {
            L2eResult r = explainer.explain(x, y, 5);
            assertNull(r.labels());
            assertEquals(false, r.hasLabels());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(TestOnnxModels.expectedScores(x[i], W, y[i]), r.scores()[i], 1e-6f);
            }
        }
    }

    @Test
    void explainsOnlyTheFirstNRowsAndReusesBuffersAcrossBatchSizes() {
        Random rnd = new Random(9);
        float[][] x = rows(rnd, 100, D);
        float[] y = LinearExplainerFixture.predictions(rnd, 100);
        try (OnnxL2eExplainer explainer = openCpu(true)) {
            for (int n : new int[]{64, 1, 100, 3, 64}) {
                L2eResult r = explainer.explain(x, y, n);
                assertEquals(n, r.scores().length);
                for (int i = 0; i < n; i++) {
                    assertArrayEquals(TestOnnxModels.expectedScores(x[i], W, y[i]), r.scores()[i], 1e-6f);
                }
            }
            L2eResult empty = explainer.explain(x, y, 0);
            assertEquals(0, empty.size());
            assertEquals(0, empty.labels().length);
        }
    }

    @Test
    void providerGaugeTimersAndBatchSizeAreRecorded() {
        Random rnd = new Random(5);
        try (OnnxL2eExplainer explainer = openCpu(true)) {
            assertEquals(ExecutionProvider.CPU, explainer.provider());
            assertEquals("test-linear-1", explainer.version());
            assertEquals(D, explainer.dimension());
            Gauge gauge = meters.get(OnnxL2eExplainer.PROVIDER_GAUGE).tag("provider", "CPU").gauge();
            assertEquals(1.0, gauge.value());
            explainer.explain(rows(rnd, 7, D), LinearExplainerFixture.predictions(rnd, 7), 7);
            explainer.explain(rows(rnd, 3, D), LinearExplainerFixture.predictions(rnd, 3), 3);
        }
        for (String name : List.of(OnnxL2eExplainer.ENCODE_TIMER, OnnxL2eExplainer.INFERENCE_TIMER,
                OnnxL2eExplainer.DECODE_TIMER)) {
            Timer t = meters.get(name).timer();
            assertEquals(2, t.count(), name);
        }
        assertTrue(meters.get("explainstream.l2e.inference").timer().totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);
        assertEquals(2, meters.get(OnnxL2eExplainer.BATCH_SIZE).summary().count());
        assertEquals(10.0, meters.get(OnnxL2eExplainer.BATCH_SIZE).summary().totalAmount());
    }

    @Test
    void intraOpThreadsAndNullRegistryAreAccepted() {
        try (OnnxL2eExplainer explainer = OnnxL2eExplainer.open(model(false), TestOnnxModels.spec("l2e.onnx", false),
                D, ProviderChoice.CPU, 2, null)) {
            float[][] x = {{1, 1, 1, 1, 1, 1, 1}};
            L2eResult r = explainer.explain(x, new float[]{2f}, 1);
            assertArrayEquals(new float[]{1f, -2.5f, 4f, 0f, 7f, -1.5f, 2f}, r.scores()[0], 1e-6f);
        }
        assertThrows(IllegalArgumentException.class, () -> OnnxL2eExplainer.open(model(false),
                TestOnnxModels.spec("l2e.onnx", false), D, ProviderChoice.CPU, 0, meters));
    }

    @Test
    void autoWithoutGpuRunsOnCpuAndSaysWhy() {
        CudaSupport noDriver = new CudaSupport(List.of(dir.resolve("no/driver")), List.of(), () -> null);
        try (OnnxL2eExplainer explainer = OnnxL2eExplainer.open(model(true), TestOnnxModels.spec("l2e.onnx", true),
                D, ProviderChoice.AUTO, 1, meters, noDriver)) {
            assertEquals(ExecutionProvider.CPU, explainer.provider());
            assertTrue(explainer.providerReason().startsWith("CUDA unavailable: no NVIDIA driver"),
                    explainer.providerReason());
            assertEquals(1.0, meters.get(OnnxL2eExplainer.PROVIDER_GAUGE).tag("provider", "CPU").gauge().value());
        }
    }

    @Test
    void autoOnThisHostRunsOnCpuWhenCudaIsNotDetected() {
        assumeFalse(CudaSupport.system().detect().available(), "CUDA is usable on this host");
        try (OnnxL2eExplainer explainer = OnnxL2eExplainer.open(model(true), TestOnnxModels.spec("l2e.onnx", true),
                D, ProviderChoice.AUTO, meters)) {
            assertEquals(ExecutionProvider.CPU, explainer.provider());
            assertTrue(explainer.providerReason().startsWith("CUDA unavailable: "), explainer.providerReason());
        }
    }

    @Test
    void requiredCudaFailsClearlyOnThisHost() {
        assumeFalse(CudaSupport.system().detect().available(), "CUDA is usable on this host");
        L2eProviderUnavailableException e = assertThrows(L2eProviderUnavailableException.class,
                () -> OnnxL2eExplainer.open(model(true), TestOnnxModels.spec("l2e.onnx", true), D,
                        ProviderChoice.CUDA, meters));
        assertTrue(e.getMessage().startsWith("l2e.onnx: provider CUDA is required but unavailable: "), e.getMessage());
    }

    /** Detection says yes but the CPU jar cannot start CUDA: AUTO falls back, CUDA required fails. */
    @Test
    void cudaProviderFailureFallsBackOrFails() {
        assumeFalse(ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA),
                "GPU build of ONNX Runtime on the classpath");
        Path libs = dir.resolve("libs");
        TestOnnxModels.write(libs.resolve("libcudart.so.12"), new byte[0]);
        TestOnnxModels.write(libs.resolve("libcudnn.so.9"), new byte[0]);
        CudaSupport fooled = new CudaSupport(List.of(dir), List.of(libs), () -> null);
        assertTrue(fooled.detect().available());
        try (OnnxL2eExplainer explainer = OnnxL2eExplainer.open(model(true), TestOnnxModels.spec("l2e.onnx", true),
                D, ProviderChoice.AUTO, 1, meters, fooled)) {
            assertEquals(ExecutionProvider.CPU, explainer.provider());
            assertTrue(explainer.providerReason().contains("CUDA provider failed to start"), explainer.providerReason());
            assertTrue(explainer.providerReason().endsWith("; using CPU"), explainer.providerReason());
        }
        L2eProviderUnavailableException e = assertThrows(L2eProviderUnavailableException.class,
                () -> OnnxL2eExplainer.open(model(true), TestOnnxModels.spec("l2e.onnx", true), D,
                        ProviderChoice.CUDA, 1, meters, fooled));
        assertTrue(e.getMessage().contains("provider CUDA is required but the CUDA provider failed to start"),
                e.getMessage());
    }

    @Test
    void wrongWidthIsRefused() {
        Path file = TestOnnxModels.writeWrongWidthExplainer(dir.resolve("l2e.onnx"), D, true);
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.spec("l2e.onnx", true), D, ProviderChoice.CPU, meters));
        assertEquals("l2e.onnx: input 'x' has shape [-1, 8], the bundle has 7 features", e.getMessage());
    }

    @Test
    void missingInputNameIsRefused() {
        L2eSpec spec = new L2eSpec("l2e.onnx", "v", "none", "features", "y", "scores", null);
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(model(false), spec, D,
                ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("l2e.onnx: the model has no input 'features'"), e.getMessage());
        assertTrue(e.getMessage().contains("x") && e.getMessage().contains("y"), e.getMessage());
    }

    @Test
    void missingLabelOutputIsRefused() {
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(model(false),
                TestOnnxModels.spec("l2e.onnx", true), D, ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("l2e.onnx: the model has no output 'label_logits'"), e.getMessage());
    }

    @Test
    void fixedBatchDimensionIsRefused() {
        Path file = TestOnnxModels.write(dir.resolve("fixed.onnx"), TestOnnxModels.linearExplainer(D, W, false,
                "x", "y", "scores", "label_logits", 4));
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.spec("fixed.onnx", false), D, ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("fixed.onnx: input 'x' has shape [4, 7]"), e.getMessage());
        assertTrue(e.getMessage().contains("batch dimension is fixed at 4"), e.getMessage());
    }

    @Test
    void garbageFileIsNotOnnx() throws Exception {
        Path file = dir.resolve("garbage.onnx");
        byte[] junk = new byte[512];
        new Random(1).nextBytes(junk);
        Files.write(file, junk);
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.spec("garbage.onnx", true), D, ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("garbage.onnx is not a valid ONNX model: "), e.getMessage());

        Files.writeString(file, "this is a text file, not a model\n");
        e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.spec("garbage.onnx", true), D, ProviderChoice.AUTO, meters));
        assertTrue(e.getMessage().startsWith("garbage.onnx is not a valid ONNX model: "), e.getMessage());
    }

    @Test
    void anUnsupportedOpsetIsRefusedNamingTheFile() throws Exception {
        Path good = TestOnnxModels.writeLinearExplainer(dir.resolve("good.onnx"), D, W, true);
        ai.onnx.proto.OnnxMl.ModelProto m = ai.onnx.proto.OnnxMl.ModelProto.parseFrom(Files.readAllBytes(good));
        ai.onnx.proto.OnnxMl.ModelProto future = m.toBuilder().clearOpsetImport()
                .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(99))
                .build();
        Path file = dir.resolve("opset99.onnx");
        Files.write(file, future.toByteArray());
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(file,
                TestOnnxModels.spec("opset99.onnx", true), D, ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("opset99.onnx"), e.getMessage());
        assertTrue(e.getMessage().toLowerCase().contains("opset"), e.getMessage());
    }

    @Test
    void missingFileIsRefused() {
        L2eModelException e = assertThrows(L2eModelException.class, () -> OnnxL2eExplainer.open(
                dir.resolve("absent.onnx"), TestOnnxModels.spec("absent.onnx", true), D, ProviderChoice.CPU, meters));
        assertTrue(e.getMessage().startsWith("absent.onnx: model file not found"), e.getMessage());
    }

    @Test
    void badRowsAreRejectedAndTheExplainerStaysUsable() {
        try (OnnxL2eExplainer explainer = openCpu(true)) {
            float[][] x = {new float[D], new float[D - 1]};
            float[] y = {1f, 1f};
            assertThrows(IllegalArgumentException.class, () -> explainer.explain(x, y, 2));
            assertThrows(IllegalArgumentException.class, () -> explainer.explain(x, y, 3));
            assertThrows(IllegalArgumentException.class, () -> explainer.explain(x, new float[1], 2));
            L2eResult r = explainer.explain(x, y, 1);
            assertArrayEquals(new float[D], r.scores()[0], 0f);
        }
    }

    @Test
    void closeIsIdempotentAndExplainAfterCloseFails() {
        OnnxL2eExplainer explainer = openCpu(false);
        explainer.close();
        explainer.close();
        assertTrue(explainer.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> explainer.explain(new float[1][D], new float[1], 1));
        assertTrue(e.getMessage().contains("closed"));
    }

    @Test
    void providerChoiceParses() {
        assertEquals(ProviderChoice.AUTO, ProviderChoice.parse(" auto "));
        assertEquals(ProviderChoice.CUDA, ProviderChoice.parse("CUDA"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProviderChoice.parse("gpu"));
        assertTrue(e.getMessage().contains("AUTO, CPU, CUDA"));
    }
}
