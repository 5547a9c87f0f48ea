package io.explainstream.trainer;

import io.explainstream.trainer.blackbox.BlackBox;
import io.explainstream.trainer.blackbox.MlpBlackBox;
import io.explainstream.trainer.blackbox.TribuoBlackBoxes;
import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MlpBlackBoxTest {
    @TempDir
    Path dir;

    private static Rows data(SplittableRandom r, int n, int d, double[] y, boolean cls) {
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = r.nextDouble() * 4 - 2;
            }
            double v = Math.sin(x[i][0]) + 0.5 * x[i][1] * x[i][2];
            y[i] = cls ? (v > 0.3 ? 2 : v > -0.3 ? 1 : 0) : v;
        }
        return Rows.dense(x, d);
    }

    @Test
    void onnxExportAgreesWithTheJavaForwardPass() throws Exception {
        for (boolean cls : new boolean[]{false, true}) {
            SplittableRandom r = new SplittableRandom(5);
            int d = 4;
            double[] y = new double[300];
            double[] yv = new double[100];
            Rows x = data(r, 300, d, y, cls);
            Rows xv = data(r, 100, d, yv, cls);
            MlpBlackBox.Net net = MlpBlackBox.train(x, y, xv, yv, cls ? 3 : 0, 11);
            assertTrue(net.epochs() > 0);
            double[] center = {1, -2, 3, 0.5};
            double[] scale = {2, 0.5, 1, 3};
            double yMean = 5.5;
            double yScale = 0.8;
            Path file = dir.resolve(cls ? "cls.onnx" : "reg.onnx");
            try (OutputStream out = Files.newOutputStream(file)) {
                net.toOnnx(center, scale, yMean, yScale).writeTo(out);
            }
            Rows raw = xv.affine(center, scale, true);
            double[] hid = new double[net.h()];
            for (int column = 0; column < (cls ? 3 : 1); column++) {
                try (BlackBox bb = BlackBox.open(file, TribuoBlackBoxes.OUTPUT, column, d)) {
                    double[] onnx = bb.predict(raw);
                    for (int i = 0; i < xv.n; i++) {
                        double[] o = net.forward(xv, i, hid);
                        double java = cls ? o[column] : o[0] * yScale + yMean;
                        assertEquals(java, onnx[i], 1e-4, "row " + i);
                    }
                }
            }
            if (!cls) {
                assertTrue(MlpBlackBoxTest.mse(net, xv, yv) < 0.2, "fits the regression");
            }
            // deterministic for a seed
            MlpBlackBox.Net again = MlpBlackBox.train(x, y, xv, yv, cls ? 3 : 0, 11);
            assertArrayEquals(net.w1(), again.w1());
        }
    }

    static double mse(MlpBlackBox.Net net, Rows x, double[] y) {
        double[] hid = new double[net.h()];
        double s = 0;
        for (int i = 0; i < x.n; i++) {
            double e = net.forward(x, i, hid)[0] - y[i];
            s += e * e;
        }
        return s / x.n;
    }

    private static String fit(String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int rc;
        try {
            System.setOut(new PrintStream(stdout));
            System.setErr(new PrintStream(stderr));
            rc = Main.execute(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        assertEquals(0, rc, stdout + "\n" + stderr);
        return stderr.toString();
    }

    @Test
    void fitWithAnMlpBlackBoxOnTabularRegression() throws Exception {
        Path data = dir.resolve("wine.csv");
        Files.copy(MlpBlackBoxTest.class.getResourceAsStream("/wine/winequality-red-300.csv"), data);
        Path out = dir.resolve("wine-mlp");
        String log = fit("fit", "--data", data.toString(), "--delimiter", ";", "--target", "quality",
                "--black-box", "mlp", "--k", "3", "--seed", "2020", "--out", out.toString(), "--k-sweep", "0",
                "--no-report", "--restarts", "1", "--rounds", "3");
        assertTrue(log.contains("black box: mlp"), log);
        assertTrue(Files.isRegularFile(out.resolve("blackbox.onnx")));
    }

    @Test
    void fitWithAnMlpBlackBoxOnTextClassification() throws Exception {
        String[] good = {"great", "fine", "lovely", "superb", "moving", "funny"};
        String[] bad = {"dull", "awful", "boring", "weak", "tedious", "flat"};
        String[] neutral = {"film", "story", "actor", "plot", "scene", "music", "script", "cast"};
        SplittableRandom r = new SplittableRandom(3);
        StringBuilder tsv = new StringBuilder();
        for (int i = 0; i < 240; i++) {
            boolean pos = i % 2 == 0;
            String[] s = pos ? good : bad;
            StringBuilder text = new StringBuilder();
            for (int w = 0; w < 6; w++) {
                String word = r.nextInt(3) == 0 ? s[r.nextInt(s.length)] : neutral[r.nextInt(neutral.length)];
                text.append(w == 0 ? "" : " ").append(word);
            }
            tsv.append(pos ? "1" : "0").append('\t').append(text).append('\n');
        }
        Path data = dir.resolve("tiny.tsv");
        Files.writeString(data, tsv);
        Path out = dir.resolve("text-mlp");
        String log = fit("fit", "--data", data.toString(), "--black-box", "mlp", "--k", "2", "--seed", "2020",
                "--out", out.toString(), "--k-sweep", "0", "--no-report", "--restarts", "1", "--rounds", "2",
                "--s", "5");
        assertTrue(log.contains("black box: mlp"), log);
        double acc = Double.parseDouble(log.replaceAll("(?s).*test_accuracy=([0-9.]+).*", "$1"));
        assertTrue(acc > 0.6, log);
    }
}
