package io.explainstream.trainer.l2e;

import ai.onnx.proto.OnnxMl;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.explain.LabelDecoder;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OnnxExportParityTest {
    private static final double TOLERANCE = 1e-4;

    @TempDir
    Path dir;

    private Synthetic tabTest;
    private DistilledExplainer tabular;
    private Synthetic textTest;
    private DistilledExplainer text;
    private DistilledExplainer textMirrored;
    private DistilledExplainer tabularMirrored;

    @BeforeAll
    void train() {
        Synthetic tab = Synthetic.tabular(700, 12, 21);
        tabTest = tab.rows(500, 700);
        tabular = fit(tab.rows(0, 400), tab.rows(400, 500), Distiller.Params.tabular().withMaxEpochs(4));
        Synthetic txt = Synthetic.text(700, 300, 23);
        textTest = withEdgeRows(txt.rows(500, 700));
        text = fit(txt.rows(0, 400), txt.rows(400, 500), Distiller.Params.text().withMaxEpochs(4));
        Synthetic signedText = txt.ofPredictedClass();
        textMirrored = Distiller.fit(signedText.x, signedText.y, signedText.w, signedText.x, signedText.y,
                signedText.w, 0.5f, Distiller.Params.text().withMaxEpochs(3), null);
        Synthetic signedTab = tab.rows(0, 500);
        double middle = Arrays.stream(signedTab.y).sorted().toArray()[signedTab.y.length / 2];
        tabularMirrored = Distiller.fit(signedTab.x, signedTab.y, signedTab.w, signedTab.x, signedTab.y,
                signedTab.w, (float) middle, Distiller.Params.tabular().withMaxEpochs(3), null);
    }

    private static DistilledExplainer fit(Synthetic train, Synthetic val, Distiller.Params p) {
        return Distiller.fit(train.x, train.y, train.w, val.x, val.y, val.w, p, null);
    }

    /**
     * Appends a row of 60 words with varied values (more slots than L2eOnnx first allocates), a row whose only word
     * is feature 0 (the padding id), an empty row and a row storing an explicit 0 (absent, like an unstored word).
     */
    private static Synthetic withEdgeRows(Synthetic s) {
        Rows.Builder b = new Rows.Builder(s.x.d);
        for (int i = 0; i < s.x.n; i++) {
            int len = s.x.nnz(i);
            b.add(Arrays.copyOfRange(s.x.col, s.x.ptr[i], s.x.ptr[i] + len),
                    Arrays.copyOfRange(s.x.val, s.x.ptr[i], s.x.ptr[i] + len), len);
        }
        int[] many = new int[60];
        double[] values = new double[60];
        for (int k = 0; k < many.length; k++) {
            many[k] = 5 * k + 1;
            values[k] = 0.25 + (k % 7) * 0.5 * (k % 2 == 0 ? 1 : -1);
        }
        b.add(many, values, many.length);
        b.add(new int[]{0}, new double[]{2.5}, 1);
        b.add(new int[0], new double[0], 0);
        b.add(new int[]{3, 40, 41}, new double[]{1, 0, 1}, 3);
        Rows x = b.build();
        double[] y = Arrays.copyOf(s.y, x.n);
        y[x.n - 4] = 0.3;
        y[x.n - 3] = 0.7;
        y[x.n - 2] = 0.5;
        y[x.n - 1] = 0.9;
        return Synthetic.unexplained(x, y);
    }

    private L2eOnnx export(DistilledExplainer m, String name, int maxBatch) {
        return export(m, name, maxBatch, OnnxExport.Layout.of(m));
    }

    private L2eOnnx export(DistilledExplainer m, String name, int maxBatch, OnnxExport.Layout layout) {
        Path folder = dir.resolve(name);
        L2eSpec spec = OnnxExport.write(m, "lime", folder, layout);
        assertEquals(new L2eSpec("l2e.onnx", OnnxExport.version(m), "lime", "features", "prediction", "scores",
                "labels", layout == OnnxExport.Layout.PRESENT ? "indices" : null), spec);
        assertTrue(spec.version().matches("l2e-[0-9a-f]{12}"), spec.version());
        assertTrue(Files.isRegularFile(folder.resolve("l2e.onnx")));
        return L2eOnnx.open(folder.resolve(spec.file()), spec, m.d(), maxBatch, 1);
    }

    private static void assertParity(Distiller.Outputs djl, L2eOnnx.Output ort, int firstRow) {
        int d = djl.d();
        double maxScore = 0;
        double maxLogit = 0;
        for (int i = 0; i < ort.n(); i++) {
            int row = (firstRow + i) * d;
            Label[] decoded = new Label[d];
            LabelDecoder.decode((f, k) -> djl.labelLogits()[(row + f) * 5 + k], d, decoded);
            for (int j = 0; j < d; j++) {
                int dj = (firstRow + i) * d + j;
                maxScore = Math.max(maxScore, Math.abs(djl.scores()[dj] - ort.scores()[i * d + j]));
                if (ort.logits() != null) {
                    for (int k = 0; k < 5; k++) {
                        maxLogit = Math.max(maxLogit, Math.abs(djl.labelLogits()[dj * 5 + k]
                                - ort.logits()[(i * d + j) * 5 + k]));
                    }
                }
                float[] lg = Arrays.copyOfRange(djl.labelLogits(), dj * 5, dj * 5 + 5);
                Arrays.sort(lg);
                if (lg[4] - lg[3] > 1e-3) {
                    assertEquals(decoded[j], ort.label(i, j), "label of row " + i + " feature " + j);
                }
            }
        }
        System.out.printf("parity n=%d: max |score diff| %.3g, max |logit diff| %.3g%n", ort.n(), maxScore, maxLogit);
        assertTrue(maxScore <= TOLERANCE, "max |score difference| " + maxScore);
        assertTrue(maxLogit <= TOLERANCE, "max |logit difference| " + maxLogit);
    }

    private void checkParity(DistilledExplainer m, Synthetic test, String name, OnnxExport.Layout layout) {
        Distiller.Outputs djl = Distiller.forward(m, test.x, test.y);
        try (L2eOnnx by37 = export(m, name, 37, layout)) {
            L2eOnnx.Output all = by37.explain(test.x, test.y, true);
            assertEquals(test.x.n, all.n());
            assertParity(djl, all, 0);
            Synthetic batch37 = test.rows(10, 47);
            assertParity(djl, by37.explain(batch37.x, batch37.y, true), 10);
            Synthetic one = test.rows(5, 6);
            assertParity(djl, by37.explain(one.x, one.y, true), 5);
            for (int i : new int[]{0, 7, test.x.n - 4, test.x.n - 3, test.x.n - 2, test.x.n - 1}) {
                L2eOnnx.Output single = by37.explainOne(test.x, i, test.y[i]);
                assertParity(djl, single, i);
                assertArrayEquals(Arrays.copyOfRange(all.scores(), i * m.d(), (i + 1) * m.d()), single.scores(),
                        1e-5f, "one at a time vs batched, row " + i);
            }
            L2eOnnx.Output again = by37.explain(test.x, test.y, false);
            assertArrayEquals(all.scores(), again.scores(), "reused buffers must not leak values between calls");
            assertArrayEquals(all.labels(), again.labels());
        }
    }

    @Test
    void tabularExportMatchesTheDjlForwardPass() {
        assertFalse(tabular.sparse());
        assertEquals(OnnxExport.Layout.DENSE, OnnxExport.Layout.of(tabular));
        checkParity(tabular, tabTest, "tabular", OnnxExport.Layout.DENSE);
    }

    @Test
    void sparseTextExportMatchesTheDjlForwardPassInTheDenseLayout() {
        assertTrue(text.sparse());
        checkParity(text, textTest, "text-dense", OnnxExport.Layout.DENSE);
    }

    @Test
    void sparseTextExportMatchesTheDjlForwardPassInThePresentLayout() {
        assertEquals(OnnxExport.Layout.PRESENT, OnnxExport.Layout.of(text));
        checkParity(text, textTest, "text-present", OnnxExport.Layout.PRESENT);
    }

    @ParameterizedTest
    @EnumSource(OnnxExport.Layout.class)
    void aMirroringTextExplainerMatchesTheDjlForwardPass(OnnxExport.Layout layout) {
        assertTrue(textMirrored.mirrors());
        String unmirrored = OnnxExport.version(textMirrored.withMirrorBelow(Float.NaN));
        assertTrue(!OnnxExport.version(textMirrored).equals(unmirrored), "the version names the mirroring");
        checkParity(textMirrored, textTest, "text-mirrored-" + layout, layout);
    }

    @Test
    void aMirroringTabularExplainerMatchesTheDjlForwardPass() {
        assertTrue(tabularMirrored.mirrors());
        checkParity(tabularMirrored, tabTest, "tabular-mirrored", OnnxExport.Layout.DENSE);
    }

    @Test
    void bothLayoutsGiveTheSameOutputs() {
        try (L2eOnnx dense = export(text, "same-dense", 64, OnnxExport.Layout.DENSE);
             L2eOnnx present = export(text, "same-present", 16, OnnxExport.Layout.PRESENT)) {
            L2eOnnx.Output a = dense.explain(textTest.x, textTest.y, true);
            L2eOnnx.Output b = present.explain(textTest.x, textTest.y, true);
            assertArrayEquals(a.scores(), b.scores(), 1e-5f);
            assertArrayEquals(a.logits(), b.logits(), 1e-4f);
        }
    }

    @ParameterizedTest
    @EnumSource(OnnxExport.Layout.class)
    void absentTextFeaturesAreNeutralWithScoreZero(OnnxExport.Layout layout) {
        try (L2eOnnx onnx = export(text, "absent-" + layout, 64, layout)) {
            L2eOnnx.Output out = onnx.explain(textTest.x, textTest.y, true);
            int d = text.d();
            long present = 0;
            long nonNeutralPresent = 0;
            for (int i = 0; i < out.n(); i++) {
                for (int j = 0; j < d; j++) {
                    if (textTest.x.get(i, j) != 0) {
                        present++;
                        nonNeutralPresent += out.label(i, j) != Label.NEUTRAL ? 1 : 0;
                        continue;
                    }
                    assertEquals(Label.NEUTRAL, out.label(i, j), "row " + i + " feature " + j);
                    assertEquals(0f, out.score(i, j), "row " + i + " feature " + j);
                    assertArrayEquals(new float[]{0, 0, DistilledExplainer.ABSENT_NEUTRAL_LOGIT, 0, 0},
                            Arrays.copyOfRange(out.logits(), (i * d + j) * 5, (i * d + j) * 5 + 5));
                }
            }
            assertTrue(nonNeutralPresent > present / 2, "present words carry labels: " + nonNeutralPresent + "/"
                    + present);
            int explicitZero = out.n() - 1;
            assertEquals(0f, out.score(explicitZero, 40));
            assertTrue(out.score(explicitZero, 3) != 0 && out.score(explicitZero, 41) != 0);
            int onlyFeature0 = out.n() - 3;
            assertTrue(out.score(onlyFeature0, 0) != 0);
            for (int j = 0; j < d; j++) {
                assertEquals(0f, out.score(out.n() - 2, j), "the empty row, feature " + j);
            }
        }
    }

    @Test
    void exportedGraphHasTheContractShape() throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(OnnxExport.model(text, OnnxExport.spec(text, "lime"))
                .toByteArray());
        assertEquals(13, model.getOpsetImport(0).getVersion());
        OnnxMl.GraphProto g = model.getGraph();
        assertEquals(List.of("features", "indices", "prediction"), g.getInputList().stream()
                .map(OnnxMl.ValueInfoProto::getName).toList());
        assertEquals("[N, L] 1", shape(g.getInput(0)));
        assertEquals("[N, L] 7", shape(g.getInput(1)));
        assertEquals("[N, 1] 1", shape(g.getInput(2)));
        assertEquals("[N, L] 1", shape(g.getOutput(0)));
        assertEquals("[N, L, 5] 1", shape(g.getOutput(1)));
        assertTrue(model.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals("teacher")
                && p.getValue().equals("lime")));
        assertTrue(model.getMetadataPropsList().stream().anyMatch(p -> p.getKey().equals("layout")
                && p.getValue().equals("present")));

        OnnxMl.GraphProto dense = OnnxExport.model(text, OnnxExport.spec(text, "lime", OnnxExport.Layout.DENSE))
                .getGraph();
        assertEquals("[N, 300] 1", shape(dense.getInput(0)));
        assertEquals("[N, 300, 5] 1", shape(dense.getOutput(1)));
        assertEquals("[N, 12] 1", shape(OnnxExport.model(tabular, OnnxExport.spec(tabular, "lime")).getGraph()
                .getInput(0)));
    }

    /** "[dims] elementType", symbolic dims by name. */
    private static String shape(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        return t.getShape().getDimList().stream()
                .map(dim -> dim.hasDimParam() ? dim.getDimParam() : Long.toString(dim.getDimValue()))
                .collect(Collectors.joining(", ", "[", "] ")) + t.getElemType();
    }

    @Test
    void thePresentLayoutIsForSparseExplainersOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxExport.spec(tabular, "lime", OnnxExport.Layout.PRESENT));
        assertTrue(e.getMessage().contains("present layout needs a sparse explainer"), e.getMessage());
    }

    @Test
    void aModelOfAnotherWidthIsRefused() {
        Path folder = dir.resolve("width");
        L2eSpec spec = OnnxExport.write(tabular, "lime", folder);
        DataException e = assertThrows(DataException.class,
                () -> L2eOnnx.open(folder.resolve(spec.file()), spec, 13, 8, 1));
        assertTrue(e.getMessage().contains("'features' has shape [-1, 12], expected [N, 13]"), e.getMessage());
        DataException missing = assertThrows(DataException.class,
                () -> L2eOnnx.open(folder.resolve("nope.onnx"), spec, 12, 8, 1));
        assertTrue(missing.getMessage().startsWith("cannot load the L2E model"), missing.getMessage());
    }

    @Test
    void aModelOfTheOtherLayoutIsRefused() {
        Path presentFolder = dir.resolve("layout-present");
        L2eSpec present = OnnxExport.write(text, "lime", presentFolder, OnnxExport.Layout.PRESENT);
        Path denseFolder = dir.resolve("layout-dense");
        L2eSpec dense = OnnxExport.write(text, "lime", denseFolder, OnnxExport.Layout.DENSE);

        DataException presentModel = assertThrows(DataException.class,
                () -> L2eOnnx.open(presentFolder.resolve("l2e.onnx"), dense, 300, 8, 1));
        assertTrue(presentModel.getMessage().contains("has an input 'indices' that its spec does not name (a "
                + "present-layout model needs a spec with inputIndices)"), presentModel.getMessage());

        DataException denseModel = assertThrows(DataException.class,
                () -> L2eOnnx.open(denseFolder.resolve("l2e.onnx"), present, 300, 8, 1));
        assertTrue(denseModel.getMessage().contains("input 'features' has shape [-1, 300], expected [N, L] (present "
                + "layout: N and L dynamic)"), denseModel.getMessage());
    }
}
