package io.explainstream.demo;

import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stand-in bundles load, carry their test split, and their ONNX black box answers like the fitted model. */
class StandInFitterTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Dataset.class)
    void shouldFitAValidBundleWhoseBlackBoxPredictsTheTestRows(Dataset ds) {
        long started = System.nanoTime();
        DataTable table = DataTable.load(ds);
        LoadedBundle fitted = StandInFitter.fit(ds, table, dir.resolve(ds.id()), m -> { });
        long ms = (System.nanoTime() - started) / 1_000_000;
        assertTrue(ms < 20_000, "stand-in fit took " + ms + " ms");

        LoadedBundle bundle = BundleIo.read(fitted.directory());
        assertEquals(4, bundle.model().groupCount());
        assertTrue(bundle.l2eModelFile().isPresent());
        List<Integer> test = DemoRows.testRows(bundle.model().provenance(), table.size(), new ArrayList<>());
        assertEquals(Math.round(table.size() * 0.15), test.size(), 1.0);
        assertEquals(ds.dataFile(), DemoCommand.dataFileName(bundle.model().provenance()));

        List<String> warnings = new ArrayList<>();
        List<DemoRows.Row> rows = DemoRows.build(bundle, table, warnings);
        assertFalse(rows.isEmpty());
        for (DemoRows.Row r : rows) {
            assertTrue(Double.isFinite(r.prediction().score()), "row " + r.rowNumber());
            if (ds.text()) {
                assertTrue(r.prediction().score() >= 0 && r.prediction().score() <= 1);
                assertEquals(2, r.prediction().probabilities().length);
                assertTrue(r.sparse().indices().length > 0);
            } else {
                assertNull(r.prediction().probabilities());
            }
        }
    }

    @Test
    void shouldReadTheDataFileNamedByTheProvenanceInItsSeveralSpellings() {
        assertEquals("wine_gime.csv", DemoCommand.dataFileName(Map.of("dataFile", "wine_gime.csv")));
        assertEquals("winequality-red.csv", DemoCommand.dataFileName(
                Map.of("data", Map.of("path", "../shared/datasets/winequality-red/winequality-red.csv"))));
        assertEquals("polarity.tsv", DemoCommand.dataFileName(Map.of("dataPath", "/x/y/polarity.tsv")));
        assertNull(DemoCommand.dataFileName(Map.of()));
        DataTable raw = DataTable.loadCopy(Dataset.WINE, "winequality-red.csv");
        assertEquals(1599, raw.size());
        assertEquals(11, raw.features().get(0).length);
        assertEquals(1599, DataTable.load(Dataset.WINE).size());
        assertEquals(392, DataTable.load(Dataset.AUTOMPG).size());
    }

    @Test
    void ridgeShouldRecoverALinearFunction() {
        double[][] x = new double[50][3];
        double[] y = new double[50];
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < 3; j++) {
                x[i][j] = r.nextGaussian();
            }
            y[i] = 2 * x[i][0] - x[i][1] + 0.5 * x[i][2] + 3;
        }
        LinAlg.Fit fit = LinAlg.ridge(x, y, 1e-9);
        assertEquals(2, fit.w()[0], 1e-6);
        assertEquals(-1, fit.w()[1], 1e-6);
        assertEquals(0.5, fit.w()[2], 1e-6);
        assertEquals(3, fit.intercept(), 1e-6);
    }
}
