package io.explainstream.demo;

import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.FeatureKind;
import io.explainstream.bundle.FeatureSpace;
import io.explainstream.bundle.GimeSpec;
import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.RoutingThresholds;
import io.explainstream.bundle.Scaler;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.bundle.TargetScale;
import io.explainstream.bundle.Task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A quick stand-in for the trainer, so that the demo runs before the trainer's fitted bundles are in the repository:
 * a small black box (a quadratic ridge regressor for tabular data, a bag-of-words logistic classifier for text),
 * GIME-style groups (spherical k-means directions, sparsified, and a sparse ridge surrogate per group), routing
 * thresholds calibrated on the validation split, and a global linear attribution as the L2E explainer. It is not the
 * GIME fitting procedure; its bundles say so in their provenance ({@code "standIn": true}).
 *
 * <p>Split: rows shuffled with seed 42, 70% train, 15% validation, 15% test ({@code provenance.testRows}).
 */
public final class StandInFitter {
    public static final long SEED = 42;
    private static final Set<String> STOP_WORDS = Set.of("the", "a", "an", "and", "of", "to", "is", "in", "that",
            "it", "as", "with", "for", "its", "this", "film", "movie", "on", "be", "by", "his", "are", "you", "but",
            "from", "has", "have", "at", "one", "all", "or", "than", "who", "about", "their", "there", "more",
            "so", "if", "what", "into", "like", "he", "she", "they", "we", "i", "it's", "s", "was", "can", "not",
            "out", "up", "just", "been", "will", "much", "even", "how", "her", "him", "them", "which", "when", "n't",
            "too", "some", "most", "also", "only", "any", "no", "do", "does", "very");

    private StandInFitter() {
    }

    /** Fits a stand-in bundle for the data set into {@code dir} (bundle.json, blackbox.onnx, l2e.onnx). */
    public static LoadedBundle fit(Dataset dataset, DataTable table, Path dir, Consumer<String> progress) {
        return dataset.text() ? fitText(dataset, table, dir, progress) : fitTabular(dataset, table, dir, progress);
    }

    private record Split(int[] train, int[] valid, int[] test) {
    }

    private static Split split(int n) {
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            perm.add(i);
        }
        Collections.shuffle(perm, new Random(SEED));
        int nTrain = (int) Math.round(n * 0.70);
        int nValid = (int) Math.round(n * 0.15);
        int[] train = perm.subList(0, nTrain).stream().mapToInt(Integer::intValue).toArray();
        int[] valid = perm.subList(nTrain, nTrain + nValid).stream().mapToInt(Integer::intValue).toArray();
        int[] test = perm.subList(nTrain + nValid, n).stream().mapToInt(Integer::intValue).sorted().toArray();
        return new Split(train, valid, test);
    }

    // ---------------------------------------------------------------------------------------------- tabular

    private static LoadedBundle fitTabular(Dataset ds, DataTable t, Path dir, Consumer<String> progress) {
        int n = t.size();
        int d = t.features().get(0).length;
        Split s = split(n);
        progress.accept("stand-in fit " + ds + ": " + n + " rows, " + d + " features; black box (quadratic ridge)");
        double[] center = new double[d];
        double[] scale = new double[d];
        for (int i : s.train) {
            for (int j = 0; j < d; j++) {
                center[j] += t.features().get(i)[j] / s.train.length;
            }
        }
        for (int i : s.train) {
            for (int j = 0; j < d; j++) {
                double c = t.features().get(i)[j] - center[j];
                scale[j] += c * c / (s.train.length - 1);
            }
        }
        for (int j = 0; j < d; j++) {
            scale[j] = scale[j] > 1e-12 ? Math.sqrt(scale[j]) : 1;
        }
        double[][] z = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                z[i][j] = (t.features().get(i)[j] - center[j]) / scale[j];
            }
        }
        // black box: y ≈ [z, z²] · w + b
        double[][] zz = new double[s.train.length][2 * d];
        double[] yt = new double[s.train.length];
        for (int r = 0; r < s.train.length; r++) {
            int i = s.train[r];
            for (int j = 0; j < d; j++) {
                zz[r][j] = z[i][j];
                zz[r][d + j] = z[i][j] * z[i][j];
            }
            yt[r] = t.targets()[i];
        }
        LinAlg.Fit box = LinAlg.ridge(zz, yt, 1.0);
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            double v = box.intercept();
            for (int j = 0; j < d; j++) {
                v += box.w()[j] * z[i][j] + box.w()[d + j] * z[i][j] * z[i][j];
            }
            f[i] = v;
        }
        double[] mf = meanStd(f, s.train);
        double[] fz = new double[n];
        for (int i = 0; i < n; i++) {
            fz[i] = (f[i] - mf[0]) / mf[1];
        }
        progress.accept("stand-in fit " + ds + ": groups (spherical k-means) and surrogates");
        Groups g = groups(z, fz, s, 4, Math.min(d, 4), Math.min(d, 5), 6.0);
        double[] l2eWeights = LinAlg.ridge(rows(z, s.train), pick(fz, s.train), 1.0).w();
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("blackbox.onnx"), OnnxGraphs.quadraticRegressor(center, scale, box.w(),
                    box.intercept()));
            Files.write(dir.resolve("l2e.onnx"), OnnxGraphs.linearExplainer(l2eWeights));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelBundle model = new ModelBundle(ModelBundle.FORMAT_VERSION, ds.id() + "-standin", "standin-1",
                Task.REGRESSION, new FeatureSpace(FeatureKind.TABULAR, ds.featureNames()),
                new Scaler(center, scale), new TargetScale(mf[0], mf[1], null), new GimeSpec(g.tau, g.specs),
                g.routing, l2eSpec(), provenance(ds, s, "quadratic ridge regressor on z-scored features (stand-in)"));
        return BundleIo.write(model, dir, null);
    }

    // ---------------------------------------------------------------------------------------------- text

    private static LoadedBundle fitText(Dataset ds, DataTable t, Path dir, Consumer<String> progress) {
        int n = t.size();
        Split s = split(n);
        Map<String, Integer> df = new HashMap<>();
        for (int i : s.train) {
            for (String w : new java.util.HashSet<>(Arrays.asList(TextFeatures.tokens(t.texts().get(i))))) {
                df.merge(w, 1, Integer::sum);
            }
        }
        List<String> vocab = df.entrySet().stream()
                .filter(e -> e.getValue() >= 8 && e.getKey().matches("[a-z][a-z'-]+")
                        && !STOP_WORDS.contains(e.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(600).map(Map.Entry::getKey).sorted().toList();
        int v = vocab.size();
        progress.accept("stand-in fit " + ds + ": " + n + " sentences, vocabulary " + v
                + " words; black box (logistic regression)");
        TextFeatures enc = new TextFeatures(vocab);
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            float[] dense = enc.encode(t.texts().get(i)).dense();
            x[i] = new double[v];
            for (int j = 0; j < v; j++) {
                x[i][j] = dense[j];
            }
        }
        int[][] nzIdx = new int[n][];
        for (int i = 0; i < n; i++) {
            final double[] row = x[i];
            nzIdx[i] = java.util.stream.IntStream.range(0, v).filter(j -> row[j] != 0).toArray();
        }
        double[] w = new double[v];
        double b = 0;
        double lr = 0.5;
        for (int epoch = 0; epoch < 300; epoch++) {
            double[] gw = new double[v];
            double gb = 0;
            for (int i : s.train) {
                double z = b;
                for (int j : nzIdx[i]) {
                    z += w[j] * x[i][j];
                }
                double err = 1 / (1 + Math.exp(-z)) - t.targets()[i];
                for (int j : nzIdx[i]) {
                    gw[j] += err * x[i][j];
                }
                gb += err;
            }
            for (int j = 0; j < v; j++) {
                w[j] -= lr * (gw[j] / s.train.length + 1e-3 * w[j]);
            }
            b -= lr * gb / s.train.length;
        }
        double[] f = new double[n];
        for (int i = 0; i < n; i++) {
            double z = b;
            for (int j : nzIdx[i]) {
                z += w[j] * x[i][j];
            }
            f[i] = 1 / (1 + Math.exp(-z));
        }
        double[] mf = meanStd(f, s.train);
        double[] fz = new double[n];
        for (int i = 0; i < n; i++) {
            fz[i] = (f[i] - mf[0]) / mf[1];
        }
        progress.accept("stand-in fit " + ds + ": groups (spherical k-means) and surrogates");
        Groups g = groups(x, fz, s, 4, 8, 12, 8.0);
        double[] l2eWeights = LinAlg.ridge(rows(x, s.train), pick(fz, s.train), 5.0).w();
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("blackbox.onnx"), OnnxGraphs.logisticClassifier(w, b));
            Files.write(dir.resolve("l2e.onnx"), OnnxGraphs.linearExplainer(l2eWeights));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        double[] ones = new double[v];
        Arrays.fill(ones, 1);
        ModelBundle model = new ModelBundle(ModelBundle.FORMAT_VERSION, ds.id() + "-standin", "standin-1",
                Task.CLASSIFICATION, new FeatureSpace(FeatureKind.TEXT, vocab), new Scaler(null, ones),
                new TargetScale(mf[0], mf[1], List.of("negative", "positive")), new GimeSpec(g.tau, g.specs),
                g.routing, l2eSpec(), provenance(ds, s, "bag-of-words logistic regression (stand-in)"));
        return BundleIo.write(model, dir, null);
    }

    // ---------------------------------------------------------------------------------------------- groups

    private record Groups(double tau, List<GroupSpec> specs, RoutingThresholds routing) {
    }

    /** Spherical k-means directions (top {@code regionSize} entries kept), a sparse ridge surrogate per group. */
    private static Groups groups(double[][] x, double[] fz, Split s, int k, int regionSize, int explanationSize,
                                 double tau) {
        int d = x[0].length;
        Random random = new Random(SEED);
        double[][] unit = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            unit[i] = normalized(x[i]);
        }
        double[][] centers = new double[k][];
        for (int c = 0; c < k; c++) {
            double[] u;
            do {
                u = unit[s.train[random.nextInt(s.train.length)]];
            } while (norm(u) == 0);
            centers[c] = u.clone();
        }
        for (int iter = 0; iter < 25; iter++) {
            double[][] sums = new double[k][d];
            for (int i : s.train) {
                int best = argmaxCos(centers, unit[i]);
                for (int j = 0; j < d; j++) {
                    sums[best][j] += unit[i][j];
                }
            }
            for (int c = 0; c < k; c++) {
                if (norm(sums[c]) > 0) {
                    centers[c] = normalized(sums[c]);
                }
            }
        }
        double[][] phi = new double[k][];
        for (int c = 0; c < k; c++) {
            phi[c] = normalized(topEntries(centers[c], regionSize));
        }
        Map<Integer, List<Integer>> members = new LinkedHashMap<>();
        for (int i : s.train) {
            members.computeIfAbsent(argmaxCos(phi, unit[i]), c -> new ArrayList<>()).add(i);
        }
        List<GroupSpec> specs = new ArrayList<>();
        LinAlg.Fit[] fits = new LinAlg.Fit[k];
        for (int c = 0; c < k; c++) {
            List<Integer> m = members.getOrDefault(c, List.of());
            int[] rows = m.stream().mapToInt(Integer::intValue).toArray();
            LinAlg.Fit full = LinAlg.ridge(rows(x, rows), pick(fz, rows), 1.0);
            int[] keep = topIndices(full.w(), explanationSize);
            LinAlg.Fit sparse = LinAlg.ridge(columns(x, rows, keep), pick(fz, rows), 1.0);
            double[] theta = new double[d];
            for (int u = 0; u < keep.length; u++) {
                theta[keep[u]] = sparse.w()[u];
            }
            fits[c] = new LinAlg.Fit(theta, sparse.intercept());
        }
        double[] validPosteriors = new double[s.valid.length];
        double[] validResiduals = new double[s.valid.length];
        double[] sq = new double[k];
        int[] cnt = new int[k];
        for (int r = 0; r < s.valid.length; r++) {
            int i = s.valid[r];
            double[] p = posteriors(phi, unit[i], tau);
            int best = 0;
            for (int c = 1; c < k; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            double res = fits[best].predict(x[i]) - fz[i];
            validPosteriors[r] = p[best];
            validResiduals[r] = Math.abs(res);
            sq[best] += res * res;
            cnt[best]++;
        }
        for (int c = 0; c < k; c++) {
            specs.add(new GroupSpec(c, sparseOf(phi[c]), sparseOf(fits[c].w()), fits[c].intercept(),
                    members.getOrDefault(c, List.of()).size(), cnt[c] == 0 ? null : Math.sqrt(sq[c] / cnt[c])));
        }
        Arrays.sort(validPosteriors);
        Arrays.sort(validResiduals);
        RoutingThresholds routing = new RoutingThresholds(
                validPosteriors[(int) (0.10 * (validPosteriors.length - 1))],
                validResiduals[(int) (0.90 * (validResiduals.length - 1))]);
        return new Groups(tau, specs, routing);
    }

    private static double[] posteriors(double[][] phi, double[] unit, double tau) {
        double[] p = new double[phi.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < phi.length; c++) {
            p[c] = tau * dot(phi[c], unit);
            max = Math.max(max, p[c]);
        }
        double sum = 0;
        for (int c = 0; c < phi.length; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
        }
        for (int c = 0; c < phi.length; c++) {
            p[c] /= sum;
        }
        return p;
    }

    private static int argmaxCos(double[][] centers, double[] unit) {
        int best = 0;
        double bestDot = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < centers.length; c++) {
            double v = dot(centers[c], unit);
            if (v > bestDot) {
                bestDot = v;
                best = c;
            }
        }
        return best;
    }

    private static SparseWeights sparseOf(double[] v) {
        List<Integer> idx = new ArrayList<>();
        for (int j = 0; j < v.length; j++) {
            if (v[j] != 0) {
                idx.add(j);
            }
        }
        return new SparseWeights(idx.stream().mapToInt(Integer::intValue).toArray(),
                idx.stream().mapToDouble(j -> v[j]).toArray());
    }

    private static double[] topEntries(double[] v, int m) {
        double[] out = new double[v.length];
        for (int j : topIndices(v, m)) {
            out[j] = v[j];
        }
        return out;
    }

    private static int[] topIndices(double[] v, int m) {
        Integer[] order = new Integer[v.length];
        for (int j = 0; j < v.length; j++) {
            order[j] = j;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -Math.abs(v[j])));
        return Arrays.stream(order).limit(m).filter(j -> v[j] != 0).mapToInt(Integer::intValue).sorted().toArray();
    }

    private static double[][] rows(double[][] x, int[] rows) {
        double[][] out = new double[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            out[r] = x[rows[r]];
        }
        return out;
    }

    private static double[][] columns(double[][] x, int[] rows, int[] cols) {
        double[][] out = new double[rows.length][cols.length];
        for (int r = 0; r < rows.length; r++) {
            for (int u = 0; u < cols.length; u++) {
                out[r][u] = x[rows[r]][cols[u]];
            }
        }
        return out;
    }

    private static double[] pick(double[] v, int[] rows) {
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = v[rows[r]];
        }
        return out;
    }

    private static double[] meanStd(double[] v, int[] rows) {
        double m = 0;
        for (int i : rows) {
            m += v[i] / rows.length;
        }
        double var = 0;
        for (int i : rows) {
            var += (v[i] - m) * (v[i] - m) / (rows.length - 1);
        }
        return new double[]{m, var > 1e-18 ? Math.sqrt(var) : 1};
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    private static double[] normalized(double[] a) {
        double n = norm(a);
        double[] out = new double[a.length];
        if (n > 0) {
            for (int j = 0; j < a.length; j++) {
                out[j] = a[j] / n;
            }
        }
        return out;
    }

    private static L2eSpec l2eSpec() {
        return new L2eSpec("l2e.onnx", "standin-global-linear-1", "global linear attribution (stand-in)", "x", "y",
                "scores", null);
    }

    private static Map<String, Object> provenance(Dataset ds, Split s, String blackBox) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("standIn", true);
        p.put("fittedBy", "explainstream demo stand-in fitter (not the trainer; replace with `explainstream fit`)");
        p.put("dataset", ds.id());
        p.put("dataFile", ds.dataFile());
        p.put("split", Map.of("seed", SEED, "train", 0.70, "valid", 0.15, "test", 0.15));
        p.put("blackBox", Map.of("file", "blackbox.onnx", "description", blackBox, "input", "raw",
                "output", "model"));
        p.put("testRows", s.test);
        return p;
    }
}
