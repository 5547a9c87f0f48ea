package io.explainstream.trainer;

import io.explainstream.trainer.data.Rows;
import io.explainstream.trainer.gime.Baselines;
import io.explainstream.trainer.gime.FitProblem;
import io.explainstream.trainer.gime.GimeFitter;
import io.explainstream.trainer.gime.KMeans;
import io.explainstream.trainer.gime.Linear;
import io.explainstream.trainer.gime.Neighbourhoods;
import io.explainstream.trainer.gime.SparseRegression;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GimeMathTest {
    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }

    @Test
    void kMeansPlusPlusSeedsSpreadOutAndClustersAreRecovered() {
        SplittableRandom r = new SplittableRandom(1);
        double[][] centres = {{10, 0}, {0, 10}, {-10, -10}};
        double[][] x = new double[300][];
        for (int i = 0; i < 300; i++) {
            double[] c = centres[i % 3];
            x[i] = new double[]{c[0] + 0.5 * gauss(r), c[1] + 0.5 * gauss(r)};
        }
        Rows rows = Rows.dense(x, 2);
        int[] seeds = KMeans.seeds(rows, 3, new SplittableRandom(7));
        Set<Integer> seedClusters = new HashSet<>();
        for (int s : seeds) {
            seedClusters.add(s % 3);
        }
        assertEquals(3, seedClusters.size(), "k-means++ seeds land in three different clusters");
        KMeans km = KMeans.fit(rows, 3, 50, 3);
        for (int i = 3; i < 300; i++) {
            assertEquals(km.assignment[i % 3], km.assignment[i]);
        }
    }

    @Test
    void thetaStepRecoversAKnownSparseLinearModel() {
        SplittableRandom r = new SplittableRandom(2);
        int n = 500;
        int d = 10;
        double[][] x = new double[n][d];
        double[] f = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = gauss(r);
            }
            f[i] = 1.5 * x[i][2] - 2.0 * x[i][7] + 0.5 * x[i][4] + 0.3;
            w[i] = 0.5 + r.nextDouble();
        }
        for (SparseRegression.Method m : SparseRegression.Method.values()) {
            Linear g = SparseRegression.fit(Rows.dense(x, d), f, w, 3, m);
            assertArrayEquals(new int[]{2, 4, 7}, g.idx(), m.name());
            assertArrayEquals(new double[]{1.5, 0.5, -2.0}, g.w(), 1e-6, m.name());
            assertEquals(0.3, g.b(), 1e-6);
        }
    }

    /** Two cones of directions, each with its own linear behaviour: f = 2·x2 + 1 where x1 > 0, else -3·x3. */
    static FitProblem piecewise(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = 4;
        Rows[] xs = new Rows[2];
        Rows[] zs = new Rows[2];
        double[][] fs = new double[2][];
        for (int part = 0; part < 2; part++) {
            int n = part == 0 ? 400 : 150;
            double[][] x = new double[n][d];
            for (int i = 0; i < n; i++) {
                double sign = i % 2 == 0 ? 1 : -1;
                x[i][0] = sign * (1.5 + 0.3 * Math.abs(gauss(r)));
                for (int j = 1; j < d; j++) {
                    x[i][j] = 0.5 * gauss(r);
                }
            }
            xs[part] = Rows.dense(x, d);
            zs[part] = Neighbourhoods.sample(xs[part], 10, 0.1, false, seed + part);
            fs[part] = new double[zs[part].n];
            for (int q = 0; q < zs[part].n; q++) {
                double[] z = zs[part].denseRow(q);
                fs[part][q] = z[0] > 0 ? 2 * z[2] + 1 : -3 * z[3];
            }
        }
        return new FitProblem(xs[0], zs[0], fs[0], null, 10, xs[1], zs[1], fs[1], 10, false);
    }

    @Test
    void psiStepLowersTheObjective() {
        FitProblem pb = piecewise(5);
        GimeFitter.Params p = new GimeFitter.Params(2, 2, 2, 3, 3, 60, 10, 0.05, 1.0, 1,
                SparseRegression.Method.BEST, 11);
        GimeFitter.Result res = new GimeFitter(pb, p, null).fit();
        List<GimeFitter.Round> rounds = res.rounds();
        assertTrue(rounds.size() >= 2);
        assertTrue(rounds.get(1).objective() < rounds.get(0).objective(),
                "objective after the first Psi/Theta round " + rounds.get(1).objective() + " < initial "
                        + rounds.get(0).objective());
    }

    @Test
    void gimeRecoversThePiecesAndBeatsTheGlobalBaseline() {
        FitProblem pb = piecewise(9);
        GimeFitter.Result res = new GimeFitter(pb, GimeFitter.Params.defaults(2, false, 3).withRestarts(2), null)
                .fit();
        int[] a = res.model().assignAll(pb.xVal());
        int i0 = pb.xVal().denseRow(0)[0] > 0 ? 0 : 1;
        int gp = a[i0];
        int agree = 0;
        for (int i = 0; i < a.length; i++) {
            agree += (a[i] == gp) == (pb.xVal().denseRow(i)[0] > 0) ? 1 : 0;
        }
        assertTrue(agree >= a.length * 0.95, "assignment purity " + agree + "/" + a.length);
        Linear pos = res.model().theta()[gp];
        assertEquals(2.0, coefficient(pos, 2), 0.05);
        assertEquals(1.0, pos.b(), 0.05);
        Linear neg = res.model().theta()[1 - gp];
        assertEquals(-3.0, coefficient(neg, 3), 0.05);
        double global = Baselines.fitAll(pb, 2, 5, 3).stream().filter(m -> m.name.equals("global")).findFirst()
                .orElseThrow().validationRmse;
        assertTrue(res.validationRmse() < 0.2 * global, "GIME " + res.validationRmse() + " vs global " + global);
        assertTrue(res.validationRmse() < 0.05, "GIME validation RMSE " + res.validationRmse());
    }

    @Test
    void fitIsDeterministicForASeedAcrossTheRestartViews() {
        FitProblem pb = piecewise(13);
        GimeFitter.Params p = GimeFitter.Params.defaults(2, false, 5).withRestarts(3);
        GimeFitter.Result a = new GimeFitter(pb, p, null).fit();
        GimeFitter.Result b = new GimeFitter(pb, p, null).fit();
        assertEquals(a.validationRmse(), b.validationRmse(), 0.0);
        assertEquals(a.restart(), b.restart());
        assertEquals(a.round(), b.round());
        assertEquals(a.rounds().size(), b.rounds().size());
        for (int k = 0; k < 2; k++) {
            assertArrayEquals(a.model().theta()[k].w(), b.model().theta()[k].w(), 0.0);
            assertArrayEquals(a.model().phi()[k], b.model().phi()[k], 0.0);
        }
        assertTrue(a.validationRmse() < 0.05, "GIME validation RMSE " + a.validationRmse());
    }

    private static double coefficient(Linear l, int j) {
        for (int q = 0; q < l.idx().length; q++) {
            if (l.idx()[q] == j) {
                return l.w()[q];
            }
        }
        return 0;
    }
}
