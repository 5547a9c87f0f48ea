package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The paper's baselines, on the same neighbourhoods and budget K:
 * <ul>
 * <li>{@code global}: one sparse linear explanation of all neighbourhoods (K = 1);</li>
 * <li>{@code cte}: cluster then explain: K-means on x, one explanation per cluster;</li>
 * <li>{@code etc}: explain then cluster: a local explanation per instance, K-means on them, the group's
 * explanation is the mean local explanation (top-s weights kept);</li>
 * <li>{@code lime_sp}: LIME local explanations and submodular pick of K of them.</li>
 * </ul>
 * Lacking a region, they assign an instance with one of the paper's three rules (section 6.2):
 * argmax ‖θ_k ⊙ x‖₀, argmax ‖θ_k ⊙ x‖₂, or the nearest centre (group mean or picked instance);
 * the rule with the best validation fidelity is used.
 */
public final class Baselines {
    public enum Rule { L0, L2, NEAREST }

    /** A baseline: explanations, centres for the nearest rule, and the rule chosen on validation. */
    public static final class Method {
        public final String name;
        public final Linear[] theta;
        public final double[][] centres;
        public Rule rule = Rule.NEAREST;
        public double validationRmse = Double.NaN;

        Method(String name, Linear[] theta, double[][] centres) {
            this.name = name;
            this.theta = theta;
            this.centres = centres;
        }

        public int assign(Rows x, int i) {
            return assign(x, i, rule);
        }

        int assign(Rows x, int i, Rule r) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < theta.length; k++) {
                double s = 0;
                switch (r) {
                    case L0, L2 -> {
                        for (int j = 0; j < theta[k].idx().length; j++) {
                            double v = x.get(i, theta[k].idx()[j]) * theta[k].w()[j];
                            s += r == Rule.L0 ? (v != 0 ? 1 : 0) : v * v;
                        }
                    }
                    case NEAREST -> {
                        double[] c = centres[k];
                        double xx = 0;
                        double cc = 0;
                        for (double v : c) {
                            cc += v * v;
                        }
                        for (int p = x.ptr[i]; p < x.ptr[i + 1]; p++) {
                            xx += x.val[p] * x.val[p] - 2 * x.val[p] * c[x.col[p]];
                        }
                        s = -(xx + cc);
                    }
                }
                if (s > bestScore) {
                    bestScore = s;
                    best = k;
                }
            }
            return best;
        }

        /** Picks the rule with the lowest validation RMSE (ties: the paper's order). */
        void chooseRule(FitProblem pb) {
            double best = Double.POSITIVE_INFINITY;
            for (Rule r : Rule.values()) {
                double sse = 0;
                for (int i = 0; i < pb.xVal().n; i++) {
                    Linear g = theta[assign(pb.xVal(), i, r)];
                    for (int j = 0; j < pb.mVal(); j++) {
                        int row = i * pb.mVal() + j;
                        double e = g.apply(pb.zVal(), row) - pb.fVal()[row];
                        sse += e * e;
                    }
                }
                double rmse = Math.sqrt(sse / ((double) pb.xVal().n * pb.mVal()));
                if (rmse < best - 1e-12) {
                    best = rmse;
                    rule = r;
                }
            }
            validationRmse = best;
        }
    }

    private Baselines() {
    }

    public static List<Method> fitAll(FitProblem pb, int k, int s, long seed) {
        List<Method> out = new ArrayList<>();
        Linear[] locals = localExplanations(pb, s);
        out.add(cte(pb, k, s, seed));
        out.add(etc(pb, k, s, seed, locals));
        out.add(limeSp(pb, k, locals));
        Method global = new Method("global", new Linear[]{SparseRegression.fit(pb.z(), pb.f(), pb.w(), s,
                SparseRegression.Method.BEST)}, new double[][]{new double[pb.x().d]});
        out.add(global);
        for (Method m : out) {
            m.chooseRule(pb);
        }
        return out;
    }

    static Method cte(FitProblem pb, int k, int s, long seed) {
        KMeans km = KMeans.fit(pb.x(), k, 100, seed * 131 + 7);
        int kk = km.centers.length;
        Linear[] theta = new Linear[kk];
        IntStream.range(0, kk).parallel().forEach(c -> {
            double[] w = new double[pb.z().n];
            for (int i = 0; i < pb.x().n; i++) {
                if (km.assignment[i] == c) {
                    for (int j = 0; j < pb.m(); j++) {
                        int r = i * pb.m() + j;
                        w[r] = pb.w() == null ? 1 : pb.w()[r];
                    }
                }
            }
            theta[c] = SparseRegression.fit(pb.z(), pb.f(), w, s, SparseRegression.Method.BEST);
        });
        return new Method("cte", theta, km.centers);
    }

    /** LIME-style local explanation of each training instance on its own neighbourhood. */
    public static Linear[] localExplanations(FitProblem pb, int s) {
        Linear[] out = new Linear[pb.x().n];
        IntStream.range(0, pb.x().n).parallel().forEach(i -> out[i] = local(pb, i, s));
        return out;
    }

    /** Ridge (alpha = 1) picks the top-s features, then ridge (alpha = 1) on them, as LIME's K-LASSO stand-in. */
    static Linear local(FitProblem pb, int i, int s) {
        Rows z = pb.z();
        int from = i * pb.m();
        int to = from + pb.m();
        Set<Integer> present = new HashSet<>();
        for (int p = z.ptr[from]; p < z.ptr[to]; p++) {
            present.add(z.col[p]);
        }
        int[] cand = present.stream().mapToInt(Integer::intValue).sorted().toArray();
        int[] position = null;
        if (cand.length < z.d) {
            position = new int[z.d];
            Arrays.fill(position, -1);
            for (int q = 0; q < cand.length; q++) {
                position[cand[q]] = q;
            }
        }
        Gram g = new Gram(cand);
        g.add(z, pb.f(), pb.w(), from, to, 1.0, position);
        int[] chosen = cand.length <= s ? SparseRegression.allCols(cand.length) : SparseRegression.ridgePick(g, s);
        double[] beta = g.solve(chosen, chosen.length, 1.0, null);
        int[] order = IntStream.range(0, chosen.length).boxed()
                .sorted((a, b) -> Integer.compare(cand[chosen[a]], cand[chosen[b]])).mapToInt(Integer::intValue)
                .toArray();
        int[] idx = new int[chosen.length];
        double[] w = new double[chosen.length];
        for (int q = 0; q < order.length; q++) {
            idx[q] = cand[chosen[order[q]]];
            w[q] = beta[order[q]];
        }
        return new Linear(idx, w, beta[chosen.length]);
    }

    static Rows asRows(Linear[] locals, int d) {
        Rows.Builder b = new Rows.Builder(d + 1);
        for (Linear l : locals) {
            int[] c = Arrays.copyOf(l.idx(), l.idx().length + 1);
            double[] v = Arrays.copyOf(l.w(), l.w().length + 1);
            c[l.idx().length] = d;
            v[l.idx().length] = l.b();
            b.add(c, v, c.length);
        }
        return b.build();
    }

    static Method etc(FitProblem pb, int k, int s, long seed, Linear[] locals) {
        int d = pb.x().d;
        KMeans km = KMeans.fit(asRows(locals, d), k, 100, seed * 131 + 11);
        int kk = km.centers.length;
        Linear[] theta = new Linear[kk];
        double[][] centres = new double[kk][d];
        int[] count = new int[kk];
        for (int i = 0; i < pb.x().n; i++) {
            int c = km.assignment[i];
            count[c]++;
            for (int p = pb.x().ptr[i]; p < pb.x().ptr[i + 1]; p++) {
                centres[c][pb.x().col[p]] += pb.x().val[p];
            }
        }
        for (int c = 0; c < kk; c++) {
            for (int j = 0; j < d; j++) {
                centres[c][j] /= Math.max(1, count[c]);
            }
            double[] mean = Arrays.copyOf(km.centers[c], d);
            GimeFitter.mask(mean, s);
            List<Integer> idx = new ArrayList<>();
            for (int j = 0; j < d; j++) {
                if (mean[j] != 0) {
                    idx.add(j);
                }
            }
            theta[c] = new Linear(idx.stream().mapToInt(Integer::intValue).toArray(),
                    idx.stream().mapToDouble(j -> mean[j]).toArray(), km.centers[c][d]);
        }
        return new Method("etc", theta, centres);
    }

    /** SP-LIME (Ribeiro et al. 2016, Algorithm 2): greedy pick maximising the importance-weighted coverage. */
    static Method limeSp(FitProblem pb, int k, Linear[] locals) {
        int d = pb.x().d;
        double[] importance = new double[d];
        for (Linear l : locals) {
            for (int j = 0; j < l.idx().length; j++) {
                importance[l.idx()[j]] += Math.abs(l.w()[j]);
            }
        }
        for (int j = 0; j < d; j++) {
            importance[j] = Math.sqrt(importance[j]);
        }
        boolean[] covered = new boolean[d];
        boolean[] picked = new boolean[locals.length];
        int kk = Math.min(k, locals.length);
        Linear[] theta = new Linear[kk];
        double[][] centres = new double[kk][];
        for (int q = 0; q < kk; q++) {
            int best = -1;
            double bestGain = -1;
            for (int i = 0; i < locals.length; i++) {
                if (picked[i]) {
                    continue;
                }
                double gain = 0;
                for (int j = 0; j < locals[i].idx().length; j++) {
                    int f = locals[i].idx()[j];
                    if (!covered[f] && locals[i].w()[j] != 0) {
                        gain += importance[f];
                    }
                }
                if (gain > bestGain) {
                    bestGain = gain;
                    best = i;
                }
            }
            picked[best] = true;
            for (int f : locals[best].idx()) {
                covered[f] = true;
            }
            theta[q] = locals[best];
            centres[q] = pb.x().denseRow(best);
        }
        return new Method("lime_sp", theta, centres);
    }
}
