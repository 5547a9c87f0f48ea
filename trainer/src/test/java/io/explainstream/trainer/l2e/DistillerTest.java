package io.explainstream.trainer.l2e;

import io.explainstream.explain.Label;
import io.explainstream.explain.Labels;
import io.explainstream.trainer.data.Rows;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DistillerTest {

    /** Agreement of the distilled explainer with the teacher on held-out rows' present features. */
    record Agreement(double labels, double signs, double spearman) {
    }

    static Agreement agreement(Synthetic test, Distiller.Outputs out) {
        long total = 0;
        long sameLabel = 0;
        long sameSign = 0;
        long signed = 0;
        double rho = 0;
        for (int i = 0; i < test.x.n; i++) {
            int from = test.w.ptr[i];
            int len = test.w.nnz(i);
            double[] w = Arrays.copyOfRange(test.w.val, from, from + len);
            double[] s = new double[len];
            Label[] teacher = Labels.of(w);
            for (int k = 0; k < len; k++) {
                int j = test.w.col[from + k];
                s[k] = out.scores()[i * out.d() + j];
                total++;
                sameLabel += out.label(i, j) == teacher[k] ? 1 : 0;
                if (w[k] != 0) {
                    signed++;
                    sameSign += Math.signum(s[k]) == Math.signum(w[k]) ? 1 : 0;
                }
            }
            rho += spearman(w, s);
        }
        return new Agreement((double) sameLabel / total, (double) sameSign / signed, rho / test.x.n);
    }

    static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double ma = Arrays.stream(ra).average().orElse(0);
        double mb = Arrays.stream(rb).average().orElse(0);
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (ra[i] - ma) * (rb[i] - mb);
            saa += (ra[i] - ma) * (ra[i] - ma);
            sbb += (rb[i] - mb) * (rb[i] - mb);
        }
        return saa == 0 || sbb == 0 ? 0 : sab / Math.sqrt(saa * sbb);
    }

    private static double[] ranks(double[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < v.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (p, q) -> Double.compare(v[p], v[q]));
        double[] r = new double[v.length];
        for (int k = 0; k < v.length; ) {
            int e = k;
            while (e + 1 < v.length && v[idx[e + 1]] == v[idx[k]]) {
                e++;
            }
            for (int t = k; t <= e; t++) {
                r[idx[t]] = (k + e) / 2.0;
            }
            k = e + 1;
        }
        return r;
    }

    private static DistilledExplainer fit(Synthetic train, Synthetic val, Distiller.Params p, PrintStream out) {
        return Distiller.fit(train.x, train.y, train.w, val.x, val.y, val.w, p, out);
    }

    @Test
    void learnsARuleFollowingTeacherOnTabularData() {
        Synthetic all = Synthetic.tabular(2400, 12, 3);
        Synthetic train = all.rows(0, 1800);
        Synthetic val = all.rows(1800, 2100);
        Synthetic test = all.rows(2100, 2400);
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        DistilledExplainer m = fit(train, val, Distiller.Params.tabular().withMaxEpochs(25),
                new PrintStream(log, true, StandardCharsets.UTF_8));
        String progress = log.toString(StandardCharsets.UTF_8);
        System.out.print(progress);
        assertEquals(m.epochs(), progress.lines().count(), "one progress line per epoch");
        assertTrue(progress.lines().allMatch(l -> l.matches("epoch \\d+/25 .*train loss .*validation loss .*"
                + "validation label accuracy .*")), progress);
        assertFalse(m.sparse());
        assertTrue(m.bestEpoch() >= 1 && m.bestEpoch() <= m.epochs());
        Agreement ag = agreement(test, Distiller.forward(m, test.x, test.y));
        System.out.println("tabular " + m + " " + ag);
        assertTrue(ag.labels() >= 0.7, "label agreement " + ag);
        assertTrue(ag.signs() >= 0.9, "sign agreement " + ag);
        assertTrue(ag.spearman() >= 0.8, "Spearman " + ag);
    }

    @Test
    void learnsARuleFollowingTeacherOnSparseTextData() {
        Synthetic all = Synthetic.text(2400, 300, 5);
        Synthetic train = all.rows(0, 1800);
        Synthetic val = all.rows(1800, 2100);
        Synthetic test = all.rows(2100, 2400);
        DistilledExplainer m = fit(train, val, Distiller.Params.text().withMaxEpochs(25), System.out);
        assertTrue(m.sparse());
        Agreement ag = agreement(test, Distiller.forward(m, test.x, test.y));
        System.out.println("text " + m + " " + ag);
        assertTrue(ag.labels() >= 0.7, "label agreement " + ag);
        assertTrue(ag.signs() >= 0.9, "sign agreement " + ag);
        assertTrue(ag.spearman() >= 0.8, "Spearman " + ag);
    }

    @Test
    void mirroringBelowTheClassBoundaryLearnsAPredictedClassTeacherBetterOnSparseTextData() {
        Synthetic all = Synthetic.text(1200, 600, 7).ofPredictedClass();
        Synthetic train = all.rows(0, 800);
        Synthetic val = all.rows(800, 1000);
        Synthetic test = all.rows(1000, 1200);
        Distiller.Params p = Distiller.Params.text().withMaxEpochs(25);
        DistilledExplainer plain = fit(train, val, p, null);
        DistilledExplainer mirrored = Distiller.fit(train.x, train.y, train.w, val.x, val.y, val.w, 0.5f, p, null);
        assertFalse(plain.mirrors());
        assertTrue(mirrored.mirrors());
        Agreement a = agreement(test, Distiller.forward(plain, test.x, test.y));
        Agreement b = agreement(test, Distiller.forward(mirrored, test.x, test.y));
        System.out.println("predicted-class teacher: plain " + a + ", mirrored " + b);
        assertTrue(b.labels() > a.labels() + 0.05, "plain " + a + ", mirrored " + b);
        assertTrue(b.signs() >= 0.9, "mirrored " + b);
    }

    @Test
    void aMirroringExplainerReportsTheMirrorOfItsNetworkBelowTheThreshold() {
        Synthetic all = Synthetic.text(300, 80, 13).ofPredictedClass();
        DistilledExplainer m = Distiller.fit(all.x, all.y, all.w, all.x, all.y, all.w, 0.5f,
                Distiller.Params.text().withMaxEpochs(2), null);
        DistilledExplainer network = m.withMirrorBelow(Float.NaN);
        Distiller.Outputs out = Distiller.forward(m, all.x, all.y);
        Distiller.Outputs raw = Distiller.forward(network, all.x, all.y);
        int below = 0;
        for (int i = 0; i < all.x.n; i++) {
            boolean mirror = all.y[i] < 0.5;
            below += mirror ? 1 : 0;
            for (int p = all.x.ptr[i]; p < all.x.ptr[i + 1]; p++) {
                int at = i * m.d() + all.x.col[p];
                assertEquals(mirror ? -raw.scores()[at] : raw.scores()[at], out.scores()[at], 1e-6);
                for (int k = 0; k < 5; k++) {
                    assertEquals(raw.labelLogits()[at * 5 + (mirror ? 4 - k : k)], out.labelLogits()[at * 5 + k],
                            1e-6);
                }
            }
        }
        assertTrue(below > 50 && below < all.x.n - 50, "both sides are exercised: " + below);
        assertThrows(IllegalArgumentException.class, () -> Distiller.fit(all.x, all.y, all.w, all.x, all.y, all.w,
                Float.POSITIVE_INFINITY, Distiller.Params.text().withMaxEpochs(1), null));
    }

    @Test
    void theSameSeedGivesIdenticalWeights() {
        Synthetic all = Synthetic.text(400, 120, 9);
        Synthetic train = all.rows(0, 300);
        Synthetic val = all.rows(300, 400);
        Distiller.Params p = Distiller.Params.text().withMaxEpochs(3).withSeed(42);
        DistilledExplainer first = fit(train, val, p, null);
        DistilledExplainer again = fit(train, val, p, null);
        DistilledExplainer other = fit(train, val, p.withSeed(43), null);
        assertTrue(first.sameWeights(again));
        assertEquals(first.bestValidationLoss(), again.bestValidationLoss());
        assertEquals(OnnxExport.version(first), OnnxExport.version(again));
        assertFalse(first.sameWeights(other));
    }

    @Test
    void paramsNameTheBadParameter() {
        Distiller.Params ok = Distiller.Params.tabular();
        assertEquals(32, ok.hidden());
        assertEquals(4, Distiller.Params.text().hidden());
        assertEquals(0.01, Distiller.Params.text().weightDecay());
        expect("hidden must be >= 1, was 0", () -> ok.withHidden(0));
        expect("maxEpochs must be >= 1, was 0", () -> ok.withMaxEpochs(0));
        expect("batchSize must be >= 1, was -1", () -> new Distiller.Params(8, 1, -1, 1e-3, 1, 1, 1, 0));
        expect("learningRate must be a finite number > 0, was NaN",
                () -> new Distiller.Params(8, 1, 1, Double.NaN, 1, 1, 1, 0));
        expect("learningRate must be a finite number > 0, was 0.0",
                () -> new Distiller.Params(8, 1, 1, 0, 1, 1, 1, 0));
        expect("patience must be >= 1, was 0", () -> new Distiller.Params(8, 1, 1, 1e-3, 0, 1, 1, 0));
        expect("rankingWeight must be a finite number > 0", () -> new Distiller.Params(8, 1, 1, 1e-3, 1, 0, 1, 0));
        expect("rankingWeight must be a finite number > 0",
                () -> new Distiller.Params(8, 1, 1, 1e-3, 1, Double.POSITIVE_INFINITY, 1, 0));
        expect("pairsPerInstance must be >= 1, was 0", () -> new Distiller.Params(8, 1, 1, 1e-3, 1, 1, 0, 0));
        expect("weightDecay must be a finite number >= 0, was -1.0", () -> ok.withWeightDecay(-1));
    }

    @Test
    void inputsAreChecked() {
        Synthetic s = Synthetic.text(20, 50, 1);
        Distiller.Params p = Distiller.Params.text();
        expect("train: 20 rows but 19 predictions",
                () -> Distiller.fit(s.x, Arrays.copyOf(s.y, 19), s.w, s.x, s.y, s.w, p, null));
        Rows shifted = new Rows(s.w.d, s.w.ptr, Arrays.stream(s.w.col).map(c -> (c + 1) % 50).toArray(), s.w.val);
        expect("validation: the teacher weights must have the features' CSR structure",
                () -> Distiller.fit(s.x, s.y, s.w, s.x, s.y, shifted, p, null));
        double[] bad = s.y.clone();
        bad[3] = Double.NaN;
        expect("train: prediction 3 is NaN", () -> Distiller.fit(s.x, bad, s.w, s.x, s.y, s.w, p, null));
        expect("params are required", () -> Distiller.fit(s.x, s.y, s.w, s.x, s.y, s.w, null, null));
    }

    private static void expect(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), () -> "expected '" + message + "' in '" + e.getMessage() + "'");
    }
}
