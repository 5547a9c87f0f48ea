package io.explainstream.trainer.l2e;

import io.explainstream.bundle.L2eSpec;
import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Opt-in timing on a text-sized problem (d = 8300, 7000 training rows of 10 to 30 words, Zipf-like word use):
 * {@code -Ddistill.timing=true [-Ddistill.epochs=5]}; prints per-epoch times and ONNX Runtime ms per row.
 */
@EnabledIfSystemProperty(named = "distill.timing", matches = "true")
class DistillerTimingTest {
    @Test
    void textSizedEpochs(@TempDir Path dir) throws Exception {
        int d = 8300;
        Random rng = new Random(1);
        double[] a = Synthetic.coefficients(d, 3);
        Rows.Builder b = new Rows.Builder(d);
        int n = 7800;
        double[] y = new double[n];
        int[] cols = new int[40];
        double[] ones = new double[40];
        Arrays.fill(ones, 1);
        for (int i = 0; i < n; i++) {
            int k = 10 + rng.nextInt(21);
            int m = 0;
            while (m < k) {
                int c = (int) Math.min(d - 1, Math.floor(Math.exp(rng.nextDouble() * Math.log(d))));
                boolean dup = false;
                for (int t = 0; t < m; t++) {
                    dup |= cols[t] == c;
                }
                if (!dup) {
                    cols[m++] = c;
                }
            }
            Arrays.sort(cols, 0, k);
            b.add(cols, ones, k);
        }
        Rows x = b.build();
        double[] wv = new double[x.val.length];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int p = x.ptr[i]; p < x.ptr[i + 1]; p++) {
                wv[p] = a[x.col[p]];
                s += wv[p];
            }
            y[i] = 1 / (1 + Math.exp(-s));
        }
        Rows w = new Rows(d, x.ptr, x.col, wv);
        int[] tr = range(0, 7000);
        int[] va = range(7000, n);
        DistilledExplainer m = Distiller.fit(x.select(tr), Arrays.copyOfRange(y, 0, 7000), w.select(tr),
                x.select(va), Arrays.copyOfRange(y, 7000, n), w.select(va),
                Distiller.Params.text().withMaxEpochs(Integer.getInteger("distill.epochs", 5)), System.out);
        System.out.println(m);
        L2eSpec spec = OnnxExport.write(m, "synthetic", dir);
        System.out.println("onnx bytes " + Files.size(dir.resolve(spec.file())));
        Rows xv = x.select(va);
        double[] yv = Arrays.copyOfRange(y, 7000, n);
        try (L2eOnnx onnx = L2eOnnx.open(dir.resolve(spec.file()), spec, d, 64, 1)) {
            onnx.explain(xv, yv);
            long t = System.nanoTime();
            onnx.explain(xv, yv);
            System.out.printf("onnx batched (64): %.3f ms/row%n", (System.nanoTime() - t) / 1e6 / xv.n);
            t = System.nanoTime();
            for (int i = 0; i < xv.n; i++) {
                onnx.explainOne(xv, i, yv[i]);
            }
            System.out.printf("onnx one at a time: %.3f ms/row%n", (System.nanoTime() - t) / 1e6 / xv.n);
        }
    }

    private static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
