package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Fits GIME (Gao et al.). Each restart starts from hard groups found by k-means on one of three views of the
 * training instances, in turn: the directions x/‖x‖ (the paper's init), the instances' local explanations
 * (least-squares coefficients on each instance's own neighbourhood, ETC-style), and both side by side; a group's
 * region starts at its members' mean direction (top-s masked) and its explanation is fitted on its members. Then
 * rounds of { Ψ-step: Adam on (φ, log τ) with Θ fixed, minimising J = mean_i Σ_k p(k|x_i)·L_k(i), first unmasked,
 * then with φ_k masked to its top-s entries; Θ-step: per group, weighted sparse regression with at most s features
 * on all neighbourhoods, weights p(k|x_i) (text: the support of a weighted LASSO path, then least squares shrunk
 * toward the pooled fit on the same words) }. A restart ends when a round lowers J by less than
 * {@link #CONVERGED} of its best, after {@code patience} rounds without a validation gain, or after {@code rounds}.
 * Every round (and the initial groups) is scored by generalized fidelity on the validation split; the best one over
 * all restarts is kept. Deterministic for a seed; uses all cores through parallel streams.
 */
public final class GimeFitter {
    /** Hyperparameters. */
    public record Params(int k, int s, int regionS, int rounds, int patience, int psiSteps, int unmaskedSteps,
                         double lr, double tauInit, int restarts, SparseRegression.Method method, long seed) {
        public static Params defaults(int k, boolean text, long seed) {
            return new Params(k, text ? 50 : 5, text ? 50 : 5, 14, 3, 80, 30, 0.05, 1.0, text ? 2 : 3,
                    SparseRegression.Method.BEST, seed);
        }

        public Params withK(int newK) {
            return new Params(newK, s, regionS, rounds, patience, psiSteps, unmaskedSteps, lr, tauInit, restarts,
                    method, seed);
        }

        public Params withRestarts(int r) {
            return new Params(k, s, regionS, rounds, patience, psiSteps, unmaskedSteps, lr, tauInit, r, method, seed);
        }
    }

    /** One round's numbers. */
    public record Round(int restart, int round, double objective, double validationRmse, double tau) {
    }

    /** The result: the best model on validation, where it came from, and every round. */
    public record Result(GroupModel model, double validationRmse, int restart, int round, List<Round> rounds,
                         double seconds) {
    }

    /**
     * Wide (text) Θ-step: strength, in weighted neighbour rows, of the shrinkage of a group's weights toward the
     * pooled fit on the same words (chosen on Polarity's validation split among 0, 100 and 1000).
     */
    static final double POOLED_SHRINK = 100;

    /** A restart stops once a round lowers the training objective by less than this share of its best. */
    static final double CONVERGED = 0.01;

    /** A Ψ-step runs its slices in parallel from this many multiply-adds per step (nonzeros of x times K). */
    static final long PARALLEL_WORK = 1L << 15;

    private final FitProblem pb;
    private final Params prm;
    private final PrintStream progress;
    private final Rows u;
    private final int n;
    private final int d;
    private final int kk;
    private final Gram[] instanceGrams;
    private final int chunks;

    public GimeFitter(FitProblem problem, Params params, PrintStream progress) {
        this.pb = problem;
        this.prm = params;
        this.progress = progress;
        this.u = KMeans.unit(problem.x());
        this.n = problem.x().n;
        this.d = problem.x().d;
        this.kk = Math.min(params.k(), n);
        this.chunks = Math.max(1, Runtime.getRuntime().availableProcessors());
        long gramSize = (long) (d + 1) * (d + 1) * n;
        if (d <= SparseRegression.WIDE && gramSize <= 40_000_000L) {
            instanceGrams = new Gram[n];
            int[] cols = SparseRegression.allCols(d);
            IntStream.range(0, n).parallel().forEach(i -> {
                Gram g = new Gram(cols);
                g.add(pb.z(), pb.f(), pb.w(), i * pb.m(), (i + 1) * pb.m(), 1.0, null);
                instanceGrams[i] = g;
            });
        } else {
            instanceGrams = null;
        }
    }

    public Result fit() {
        long t0 = System.nanoTime();
        List<Round> log = new ArrayList<>();
        Result best = null;
        for (int r = 0; r < prm.restarts(); r++) {
            Result res = fitOnce(r, log);
            if (best == null || res.validationRmse() < best.validationRmse()) {
                best = res;
            }
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        return new Result(best.model(), best.validationRmse(), best.restart(), best.round(), log, secs);
    }

    private Result fitOnce(int restart, List<Round> log) {
        long seed = prm.seed() * 1_000_003L + restart * 7919L + 17;
        int[] init = initialGroups(restart, seed);
        double[][] p = new double[n][kk];
        double[][] phi = new double[kk][d];
        int[] size = new int[kk];
        for (int i = 0; i < n; i++) {
            p[i][init[i]] = 1.0;
            size[init[i]]++;
            for (int q = u.ptr[i]; q < u.ptr[i + 1]; q++) {
                phi[init[i]][u.col[q]] += u.val[q];
            }
        }
        Linear[] theta = thetaStep(p);
        for (int k = 0; k < kk; k++) {
            for (int j = 0; j < d; j++) {
                phi[k][j] /= Math.max(1, size[k]);
            }
            mask(phi[k], prm.regionS());
            if (norm(phi[k]) == 0) {
                phi[k] = u.denseRow(new SplittableRandom(seed + k).nextInt(n));
            }
        }
        double tau = prm.tauInit();
        // Round 0: the initial groups' explanations, regions at the groups' mean (masked) directions.
        GroupModel current = new GroupModel(tau, copy(phi), theta);
        double val = pb.validationRmse(current, null);
        double[][] loss = losses(theta);
        double obj = objective(posteriors(phi, tau), loss);
        log.add(new Round(restart, 0, obj, val, tau));
        line(restart, 0, obj, val, tau);
        GroupModel bestModel = current;
        double bestVal = val;
        double bestObj = obj;
        int bestRound = 0;
        int since = 0;
        double[] logTau = {Math.log(tau)};
        for (int round = 1; round <= prm.rounds(); round++) {
            psiStep(phi, logTau, loss);
            tau = Math.exp(logTau[0]);
            double[][] post = posteriors(phi, tau);
            theta = thetaStep(post);
            current = new GroupModel(tau, copy(phi), theta);
            val = pb.validationRmse(current, null);
            loss = losses(theta); // also the next round's Ψ-step losses
            obj = objective(post, loss);
            log.add(new Round(restart, round, obj, val, tau));
            line(restart, round, obj, val, tau);
            boolean stalled = obj > bestObj * (1 - CONVERGED);
            bestObj = Math.min(bestObj, obj);
            if (val < bestVal - 1e-9) {
                bestVal = val;
                bestModel = current;
                bestRound = round;
                since = 0;
            } else if (++since >= prm.patience()) {
                break;
            }
            if (stalled) { // converged: further rounds only reshuffle boundary instances
                break;
            }
        }
        return new Result(bestModel, bestVal, restart, bestRound, log, 0);
    }

    /**
     * The initial hard groups of a restart, by k-means on one of three views of the training instances, in turn:
     * the directions x/‖x‖ (the paper's), the instances' local explanations (ETC-style: least-squares coefficients
     * on each instance's own neighbourhood), and both side by side. Without per-instance normal equations (wide or
     * text data) every restart uses the directions.
     */
    int[] initialGroups(int restart, long seed) {
        int view = instanceGrams == null ? 0 : restart % 3;
        if (view == 0) {
            return KMeans.fit(u, kk, 50, seed).assignment;
        }
        int[] all = SparseRegression.allCols(d);
        double[][] feat = new double[n][];
        for (int i = 0; i < n; i++) {
            double[] beta = instanceGrams[i].solve(all, d, 1e-6, null);
            if (view == 1) {
                feat[i] = Arrays.copyOf(beta, d);
            } else {
                feat[i] = Arrays.copyOf(u.denseRow(i), 2 * d);
                System.arraycopy(beta, 0, feat[i], d, d);
            }
        }
        return KMeans.fit(Rows.dense(feat, feat[0].length), kk, 50, seed).assignment;
    }

    private void line(int restart, int round, double obj, double val, double tau) {
        if (progress != null) {
            progress.printf("gime: restart %d/%d round %2d/%d  objective %.5f  validation RMSE %.4f  tau %.2f%n",
                    restart + 1, prm.restarts(), round, prm.rounds(), obj, val, tau);
        }
    }

    /** L[i][k] = mean_j w_ij (f_ij - g_k(z_ij))². */
    double[][] losses(Linear[] theta) {
        double[][] l = new double[n][kk];
        int m = pb.m();
        IntStream.range(0, n).parallel().forEach(i -> {
            for (int k = 0; k < kk; k++) {
                double s = 0;
                for (int j = 0; j < m; j++) {
                    int r = i * m + j;
                    double e = pb.f()[r] - theta[k].apply(pb.z(), r);
                    s += (pb.w() == null ? 1 : pb.w()[r]) * e * e;
                }
                l[i][k] = s / m;
            }
        });
        return l;
    }

    double[][] posteriors(double[][] phi, double tau) {
        double[][] p = new double[n][kk];
        double[][] unit = unitPhi(phi);
        IntStream.range(0, n).parallel().forEach(i -> {
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < kk; k++) {
                p[i][k] = tau * u.dot(i, unit[k]);
                max = Math.max(max, p[i][k]);
            }
            double sum = 0;
            for (int k = 0; k < kk; k++) {
                p[i][k] = softExp(p[i][k] - max);
                sum += p[i][k];
            }
            for (int k = 0; k < kk; k++) {
                p[i][k] /= sum;
            }
        });
        return p;
    }

    /** J = mean_i Σ_k p(k|x_i)·L_k(i), from the posteriors p and losses L. */
    static double objective(double[][] p, double[][] loss) {
        double j = 0;
        for (int i = 0; i < p.length; i++) {
            for (int k = 0; k < p[i].length; k++) {
                j += p[i][k] * loss[i][k];
            }
        }
        return j / p.length;
    }

    /**
     * Θ-step: per group, weighted sparse regression with weights p(k|x_i) on its neighbours; for wide data the
     * weights are shrunk toward the pooled fit on the group's words ({@link #POOLED_SHRINK}).
     */
    Linear[] thetaStep(double[][] p) {
        Linear[] out = new Linear[kk];
        IntStream.range(0, kk).parallel().forEach(k -> {
            if (instanceGrams != null) {
                Gram g = new Gram(SparseRegression.allCols(d));
                for (int i = 0; i < n; i++) {
                    if (p[i][k] > 1e-12) {
                        g.addScaled(instanceGrams[i], p[i][k]);
                    }
                }
                out[k] = SparseRegression.fromGram(g, prm.s(), prm.method());
            } else {
                double[] w = new double[pb.z().n];
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < pb.m(); j++) {
                        int r = i * pb.m() + j;
                        w[r] = p[i][k] * (pb.w() == null ? 1 : pb.w()[r]);
                    }
                }
                out[k] = SparseRegression.fit(pb.z(), pb.f(), w, prm.s(), prm.method(), pb.w(), POOLED_SHRINK);
            }
        });
        return out;
    }

    /**
     * Ψ-step: Adam on φ and log τ with Θ fixed (losses given), unmasked steps then top-s masked steps. The
     * gradient is summed over fixed slices of the instances, one per core (in parallel only when a step has at
     * least {@link #PARALLEL_WORK} multiply-adds, else one after the other: the sums are the same either way).
     */
    void psiStep(double[][] phi, double[] logTau, double[][] loss) {
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double[][] m1 = new double[kk][d];
        double[][] m2 = new double[kk][d];
        double mt = 0;
        double vt = 0;
        boolean[][] active = null;
        double[][][] gradLocal = new double[chunks][kk][d]; // ∂J/∂φ before the projection
        double[][] sLocal = new double[chunks][kk];
        double[] tauLocal = new double[chunks];
        double[][][] scratch = new double[chunks][2][kk];
        double[] pn = new double[kk];
        double[][] unit = new double[kk][d]; // φ_k/‖φ_k‖
        int per = (n + chunks - 1) / chunks;
        boolean parallel = chunks > 1 && (long) u.ptr[n] * kk >= PARALLEL_WORK;
        int total = prm.psiSteps();
        for (int step = 1; step <= total; step++) {
            if (step == prm.unmaskedSteps() + 1 || (active == null && prm.unmaskedSteps() <= 0)) {
                active = new boolean[kk][];
                for (int k = 0; k < kk; k++) {
                    active[k] = mask(phi[k], prm.regionS());
                    if (norm(phi[k]) == 0) {
                        Arrays.fill(active[k], true);
                    }
                }
            }
            double tau = Math.exp(logTau[0]);
            for (int k = 0; k < kk; k++) {
                pn[k] = Math.max(1e-12, norm(phi[k]));
                for (int j = 0; j < d; j++) {
                    unit[k][j] = phi[k][j] / pn[k];
                }
            }
            IntConsumer chunk = c -> tauLocal[c] = psiGradient(c * per, Math.min(n, c * per + per), tau, unit, pn,
                    loss, gradLocal[c], sLocal[c], scratch[c]);
            if (parallel) {
                IntStream.range(0, chunks).parallel().forEach(chunk);
            } else {
                for (int c = 0; c < chunks; c++) {
                    chunk.accept(c);
                }
            }
            double gTau = 0;
            for (int c = 0; c < chunks; c++) {
                gTau += tauLocal[c];
            }
            gTau *= tau; // d/d log tau
            double bc1 = 1 - Math.pow(b1, step);
            double bc2 = 1 - Math.pow(b2, step);
            double lr = prm.lr();
            for (int k = 0; k < kk; k++) {
                double s = 0;
                for (int c = 0; c < chunks; c++) {
                    s += sLocal[c][k];
                }
                for (int j = 0; j < d; j++) {
                    if (active != null && !active[k][j]) {
                        continue;
                    }
                    double gr = -s * unit[k][j];
                    for (int c = 0; c < chunks; c++) {
                        gr += gradLocal[c][k][j];
                    }
                    m1[k][j] = b1 * m1[k][j] + (1 - b1) * gr;
                    m2[k][j] = b2 * m2[k][j] + (1 - b2) * gr * gr;
                    phi[k][j] -= lr * (m1[k][j] / bc1) / (Math.sqrt(m2[k][j] / bc2) + eps);
                }
            }
            mt = b1 * mt + (1 - b1) * gTau;
            vt = b2 * vt + (1 - b2) * gTau * gTau;
            logTau[0] -= lr * (mt / bc1) / (Math.sqrt(vt / bc2) + eps);
            logTau[0] = Math.min(Math.log(1e4), logTau[0]);
        }
        if (active == null) {
            for (int k = 0; k < kk; k++) {
                mask(phi[k], prm.regionS());
            }
        }
    }

    /**
     * One slice [from, to) of the Ψ-step gradient, with no allocation: into {@code g} (zeroed first) Σ_i c_ik·u_i
     * with c_ik = τ·g_ik/‖φ_k‖ and g_ik = p(k|x_i)·(L_k(i) − L̄(i))/n, into {@code sk} Σ_i c_ik·cos_ik (for the
     * projection off φ_k); returns Σ_ik g_ik·cos_ik (∂J/∂τ). {@code unit} holds φ_k/‖φ_k‖; {@code scratch} is two
     * K-vectors (cosines, posteriors).
     */
    private double psiGradient(int from, int to, double tau, double[][] unit, double[] pn, double[][] loss,
                               double[][] g, double[] sk, double[][] scratch) {
        for (double[] row : g) {
            Arrays.fill(row, 0);
        }
        Arrays.fill(sk, 0);
        double[] cos = scratch[0];
        double[] pr = scratch[1];
        double gt = 0;
        for (int i = from; i < to; i++) {
            int q0 = u.ptr[i];
            int q1 = u.ptr[i + 1];
            int k = 0;
            for (; k + 1 < kk; k += 2) { // two cosines at a time: independent sums, each in Rows.dot's order
                double[] w0 = unit[k];
                double[] w1 = unit[k + 1];
                double s0 = 0;
                double s1 = 0;
                for (int q = q0; q < q1; q++) {
                    double v = u.val[q];
                    int j = u.col[q];
                    s0 += v * w0[j];
                    s1 += v * w1[j];
                }
                cos[k] = s0;
                cos[k + 1] = s1;
            }
            if (k < kk) {
                cos[k] = u.dot(i, unit[k]);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (k = 0; k < kk; k++) {
                pr[k] = tau * cos[k];
                max = Math.max(max, pr[k]);
            }
            double sum = 0;
            for (k = 0; k < kk; k++) {
                pr[k] = softExp(pr[k] - max);
                sum += pr[k];
            }
            double[] li = loss[i];
            double lbar = 0;
            for (k = 0; k < kk; k++) {
                pr[k] /= sum;
                lbar += pr[k] * li[k];
            }
            for (k = 0; k < kk; k++) {
                double gik = pr[k] * (li[k] - lbar) / n;
                gt += gik * cos[k];
                double coef = tau * gik / pn[k];
                if (coef != 0) { // zero when one group takes all the posterior of x_i
                    double[] gk = g[k];
                    for (int q = q0; q < q1; q++) {
                        gk[u.col[q]] += coef * u.val[q];
                    }
                    sk[k] += coef * cos[k];
                }
            }
        }
        return gt;
    }

    /** exp(a) for a ≤ 0, flushed to zero below e^-40 (a posterior that small changes nothing, and is costly). */
    private static double softExp(double a) {
        return a < -40 ? 0 : Math.exp(a);
    }

    /** Keeps the top-s entries of |v| (zeroes the rest); returns the mask. */
    static boolean[] mask(double[] v, int s) {
        boolean[] keep = new boolean[v.length];
        if (s >= v.length) {
            Arrays.fill(keep, true);
            return keep;
        }
        Integer[] order = new Integer[v.length];
        for (int j = 0; j < v.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, (a, b) -> Double.compare(Math.abs(v[b]), Math.abs(v[a])));
        for (int q = 0; q < s; q++) {
            keep[order[q]] = true;
        }
        for (int j = 0; j < v.length; j++) {
            if (!keep[j]) {
                v[j] = 0;
            }
        }
        return keep;
    }

    static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double[][] unitPhi(double[][] phi) {
        double[][] out = new double[phi.length][];
        for (int k = 0; k < phi.length; k++) {
            double nrm = Math.max(1e-12, norm(phi[k]));
            out[k] = new double[phi[k].length];
            for (int j = 0; j < phi[k].length; j++) {
                out[k][j] = phi[k][j] / nrm;
            }
        }
        return out;
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }
}
