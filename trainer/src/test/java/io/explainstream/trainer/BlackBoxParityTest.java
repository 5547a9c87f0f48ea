package io.explainstream.trainer;

import io.explainstream.trainer.blackbox.BlackBox;
import io.explainstream.trainer.blackbox.TribuoBlackBoxes;
import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BlackBoxParityTest {
    @TempDir
    Path dir;

    @Test
    @SuppressWarnings("unchecked")
    void svrOnnxExportAgreesWithTribuo() {
        SplittableRandom r = new SplittableRandom(4);
        int n = 200;
        int d = 5;
        double[] center = {1, -2, 3, 0.5, 10};
        double[] scale = {2, 0.5, 1, 3, 4};
        double[][] xz = new double[n][d];
        double[] yz = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xz[i][j] = r.nextDouble() * 4 - 2;
            }
            yz[i] = Math.sin(xz[i][0]) + xz[i][1] * xz[i][2] * 0.3;
        }
        Rows z = Rows.dense(xz, d);
        double yMean = 5.5;
        double yScale = 0.8;
        TribuoBlackBoxes.Trained t = TribuoBlackBoxes.svr(z, yz, center, scale, yMean, yScale, 1);
        Path file = dir.resolve("svr.onnx");
        t.write(file);
        Rows raw = z.affine(center, scale, true);
        String[] names = new String[d];
        for (int j = 0; j < d; j++) {
            names[j] = TribuoBlackBoxes.featureName(j);
        }
        try (BlackBox bb = BlackBox.open(file, TribuoBlackBoxes.OUTPUT, 0, d)) {
            double[] onnx = bb.predict(raw);
            Model<Regressor> m = (Model<Regressor>) t.model();
            for (int i = 0; i < n; i++) {
                double tribuo = m.predict(TribuoBlackBoxes.example(z, i, new Regressor("y", 0), names)).getOutput()
                        .getValues()[0] * yScale + yMean;
                assertEquals(tribuo, onnx[i], 1e-4, "row " + i);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void logisticRegressionOnnxExportAgreesWithTribuo() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 300;
        int d = 20;
        Rows.Builder b = new Rows.Builder(d);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int[] cols = new int[d];
            double[] vals = new double[d];
            int nnz = 0;
            for (int j = 0; j < d; j++) {
                if (r.nextDouble() < 0.3 || j == i % d) {
                    cols[nnz] = j;
                    vals[nnz++] = 1;
                }
            }
            b.add(cols, vals, nnz);
            labels[i] = (i % d) < 8 ? 1 : 0;
        }
        Rows x = b.build();
        TribuoBlackBoxes.Trained t = TribuoBlackBoxes.logreg(x, labels, List.of("0", "1"), "1", 1);
        Path file = dir.resolve("lr.onnx");
        t.write(file);
        String[] names = new String[d];
        for (int j = 0; j < d; j++) {
            names[j] = TribuoBlackBoxes.featureName(j);
        }
        try (BlackBox bb = BlackBox.open(file, TribuoBlackBoxes.OUTPUT, t.classColumn(), d)) {
            double[] onnx = bb.predict(x);
            Model<Label> m = (Model<Label>) t.model();
            for (int i = 0; i < n; i++) {
                double p = m.predict(TribuoBlackBoxes.example(x, i, new Label("0"), names)).getOutputScores()
                        .get("1").getScore();
                assertEquals(p, onnx[i], 1e-4, "row " + i);
            }
        }
    }
}
