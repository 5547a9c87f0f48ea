package io.explainstream.trainer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.trainer.blackbox.BlackBox;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.DataOptions;
import io.explainstream.trainer.data.Prepared;
import io.explainstream.trainer.data.Rows;
import io.explainstream.trainer.gime.Baselines;
import io.explainstream.trainer.gime.FitProblem;
import io.explainstream.trainer.gime.Linear;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's generalized-fidelity protocol on the test split: for each test instance x, m fresh neighbours z,
 * the group of x's highest posterior (hard argmax), RMSE of g_k(z) against f(z) in z-units of f (and, for a
 * classifier, the share of neighbours where g and f give the same label); repeated over several draws, mean and
 * standard deviation. GIME is evaluated through core's GimeModel, exactly as served; the baselines are fitted on
 * the same training neighbourhoods, black box and K.
 */
public final class Evaluation {
    private Evaluation() {
    }

    /** One method's numbers. */
    public record Score(String method, double rmse, double rmseStd, Double accuracy, Double accuracyStd,
                        String rule) {
    }

    public static List<Score> run(Path bundleDir, Path json, int draws, Path dataOverride, PrintStream out,
                                  PrintStream err) {
        return run(bundleDir, json, draws, dataOverride, null, out, err);
    }

    /** As above; with {@code l2e} set and an L2E model in the bundle, also the L2E evaluation (JSON key "l2e"). */
    static List<Score> run(Path bundleDir, Path json, int draws, Path dataOverride, L2eEvaluation.Settings l2e,
                           PrintStream out, PrintStream err) {
        long t0 = System.nanoTime();
        LoadedBundle lb = BundleIo.read(bundleDir);
        ModelBundle b = lb.model();
        Map<String, Object> prov = b.provenance();
        if (prov == null || !(prov.get("data") instanceof Map) || !(prov.get("black_box") instanceof Map)) {
            throw new DataException(bundleDir.resolve(BundleIo.MANIFEST)
                    + ": provenance.data / provenance.black_box missing; was it written by 'explainstream fit'?");
        }
        @SuppressWarnings("unchecked") Map<String, Object> dataProv = (Map<String, Object>) prov.get("data");
        @SuppressWarnings("unchecked") Map<String, Object> bbProv = (Map<String, Object>) prov.get("black_box");
        DataOptions opts = DataOptions.fromMap(dataProv, dataOverride);
        if (!Files.isRegularFile(opts.path())) {
            throw new DataException(opts.path() + ": the bundle's data file does not exist; pass --data FILE");
        }
        String sha = Prepared.sha256(opts.path());
        if (!sha.equals(dataProv.get("sha256"))) {
            throw new DataException(opts.path() + ": SHA-256 " + sha + " differs from the bundle's "
                    + dataProv.get("sha256") + " (provenance.data.sha256): not the data the bundle was fitted on");
        }
        long seed = ((Number) prov.get("seed")).longValue();
        @SuppressWarnings("unchecked") Map<String, Object> nb = (Map<String, Object>) prov.get("neighbourhoods");
        @SuppressWarnings("unchecked") Map<String, Object> hp = (Map<String, Object>) prov.get("gime");
        int m = ((Number) nb.get("per_instance")).intValue();
        double sigma = ((Number) nb.get("sigma")).doubleValue();
        double kw = ((Number) nb.get("kernel_width")).doubleValue();
        int s = ((Number) hp.get("s")).intValue();
        Prepared prep = Prepared.load(opts, seed);
        if (prep.data.dimension() != b.dimension()) {
            throw new DataException(opts.path() + ": " + prep.data.dimension() + " features, the bundle has "
                    + b.dimension());
        }
        Path bbFile = bundleDir.resolve((String) bbProv.get("file"));
        String output = (String) bbProv.get("output");
        int column = ((Number) bbProv.get("column")).intValue();
        try (BlackBox bb = BlackBox.open(bbFile, output.isEmpty() ? null : output, column, b.dimension())) {
            Experiment ex = new Experiment(prep, bb, (String) bbProv.get("explained_class"), seed, m, sigma, kw);
            FitProblem pb = ex.problem();
            int k = b.groupCount();
            long tb = System.nanoTime();
            List<Baselines.Method> baselines = Baselines.fitAll(pb, k, s, seed);
            err.printf("baselines fitted in %.2f s (assignment rules chosen on validation: %s)%n",
                    (System.nanoTime() - tb) / 1e9, rules(baselines));
            GimeModel served = GimeModel.of(b);
            // hard groups of the test instances
            Rows raw = prep.data.x().select(ex.test);
            int[] gimeGroup = new int[raw.n];
            Workspace ws = served.newWorkspace();
            Linear[] gimeTheta = new Linear[k];
            for (int g = 0; g < k; g++) {
                gimeTheta[g] = new Linear(served.explanationIndices(g), served.explanationWeights(g),
                        served.intercept(g));
            }
            for (int i = 0; i < raw.n; i++) {
                Fitting.assign(served, raw, i, ws);
                gimeGroup[i] = ws.group();
            }
            List<String> names = new ArrayList<>(List.of("gime"));
            List<Linear[]> thetas = new ArrayList<>();
            List<int[]> groups = new ArrayList<>();
            thetas.add(gimeTheta);
            groups.add(gimeGroup);
            for (Baselines.Method bm : baselines) {
                names.add(bm.name);
                thetas.add(bm.theta);
                int[] a = new int[ex.xTest.n];
                for (int i = 0; i < a.length; i++) {
                    a[i] = bm.assign(ex.xTest, i);
                }
                groups.add(a);
            }
            int methods = names.size();
            double[][] rmse = new double[methods][draws];
            double[][] acc = new double[methods][draws];
            boolean cls = ex.classification();
            for (int r = 0; r < draws; r++) {
                Rows z = ex.testNeighbourhoods(r);
                double[] f = ex.fz(z);
                for (int q = 0; q < methods; q++) {
                    double sse = 0;
                    int same = 0;
                    for (int i = 0; i < ex.xTest.n; i++) {
                        Linear g = thetas.get(q)[groups.get(q)[i]];
                        for (int j = 0; j < m; j++) {
                            int row = i * m + j;
                            double gz = g.apply(z, row);
                            double e = gz - f[row];
                            sse += e * e;
                            if (cls && (prep.target.fromZ(gz) > 0.5) == (prep.target.fromZ(f[row]) > 0.5)) {
                                same++;
                            }
                        }
                    }
                    double cnt = (double) ex.xTest.n * m;
                    rmse[q][r] = Math.sqrt(sse / cnt);
                    acc[q][r] = same / cnt;
                }
            }
            List<Score> scores = new ArrayList<>();
            for (int q = 0; q < methods; q++) {
                String rule = q == 0 ? "posterior" : baselines.get(q - 1).rule.name().toLowerCase(Locale.ROOT);
                scores.add(new Score(names.get(q), mean(rmse[q]), std(rmse[q]), cls ? mean(acc[q]) : null,
                        cls ? std(acc[q]) : null, rule));
            }
            Map<String, Object> bbMetric = Fitting.blackBoxMetric(ex);
            print(out, b, prep, ex, k, draws, scores, bbMetric, prov);
            Map<String, Object> l2eResult = null;
            if (l2e != null && b.l2e() != null) {
                @SuppressWarnings("unchecked") Map<String, Object> lp = (Map<String, Object>) prov.get("l2e");
                String teacher = lp == null ? b.l2e().teacher() : (String) lp.get("teacher");
                int samples = lp == null ? 1000 : ((Number) lp.get("teacher_samples")).intValue();
                long tl = System.nanoTime();
                l2eResult = L2eEvaluation.run(ex, lb.l2eModelFile().orElseThrow(), b.l2e(),
                        new L2eEvaluation.Settings(teacher, samples, l2e.limeSamples(), l2e.instances(),
                                l2e.speedInstances(), l2e.neighbours()), out, err);
                err.printf("l2e evaluation took %.1f s%n", (System.nanoTime() - tl) / 1e9);
            }
            if (json != null) {
                writeJson(json, Fitting.stem(opts.path()), k, (String) bbProv.get("kind"), bbMetric, scores,
                        ((Number) prov.get("fit_seconds")).doubleValue(), l2eResult);
                out.println("json: " + json);
            }
            err.printf("evaluate took %.1f s%n", (System.nanoTime() - t0) / 1e9);
            return scores;
        }
    }

    private static String rules(List<Baselines.Method> ms) {
        StringBuilder s = new StringBuilder();
        for (Baselines.Method m : ms) {
            s.append(s.length() == 0 ? "" : ", ").append(m.name).append('=')
                    .append(m.rule.name().toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }

    private static void print(PrintStream out, ModelBundle b, Prepared prep, Experiment ex, int k, int draws,
                              List<Score> scores, Map<String, Object> bbMetric, Map<String, Object> prov) {
        out.printf(Locale.ROOT, "Generalized fidelity on the test split: %s, K=%d, seed %s, %d test instances x %d "
                        + "neighbours, %d draws; black box %s %s%n", prep.data.source(), k, prov.get("seed"),
                ex.xTest.n, ex.m, draws, ((Map<?, ?>) prov.get("black_box")).get("kind"), bbMetric);
        boolean cls = ex.classification();
        out.printf("%-8s %-20s %s %s%n", "method", "RMSE (z-units)", cls ? "accuracy            " : "", "rule");
        for (Score s : scores) {
            out.printf(Locale.ROOT, "%-8s %.4f +- %.4f      %s %s%n", s.method(), s.rmse(), s.rmseStd(),
                    cls ? String.format(Locale.ROOT, "%.4f +- %.4f     ", s.accuracy(), s.accuracyStd()) : "",
                    s.rule());
        }
    }

    static void writeJson(Path file, String dataset, int k, String kind, Map<String, Object> bbMetric,
                          List<Score> scores, double fitSeconds, Map<String, Object> l2e) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("dataset", dataset);
        root.put("k", k);
        Map<String, Object> bb = new LinkedHashMap<>();
        bb.put("kind", kind);
        bb.putAll(bbMetric);
        root.put("black_box", bb);
        Map<String, Object> methods = new LinkedHashMap<>();
        for (Score s : scores) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rmse", s.rmse());
            m.put("rmse_std", s.rmseStd());
            if (s.accuracy() != null) {
                m.put("accuracy", s.accuracy());
            }
            methods.put(s.method(), m);
        }
        root.put("methods", methods);
        root.put("fit_seconds", fitSeconds);
        if (l2e != null) {
            root.put("l2e", l2e);
        }
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
        } catch (IOException e) {
            throw new DataException("cannot write " + file + ": " + e.getMessage());
        }
    }

    static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    static double std(double[] v) {
        if (v.length < 2) {
            return 0;
        }
        double mu = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - mu) * (x - mu);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
