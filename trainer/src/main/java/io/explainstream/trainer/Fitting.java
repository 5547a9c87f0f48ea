package io.explainstream.trainer;

import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.RoutingThresholds;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.trainer.blackbox.BlackBox;
import io.explainstream.trainer.data.DataOptions;
import io.explainstream.trainer.data.Prepared;
import io.explainstream.trainer.data.Rows;
import io.explainstream.trainer.gime.FitProblem;
import io.explainstream.trainer.gime.GimeFitter;
import io.explainstream.trainer.gime.GroupModel;
import io.explainstream.trainer.gime.Linear;
import io.explainstream.trainer.report.Report;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The fit command's work: data → black box → neighbourhoods → GIME → bundle, summary and report. */
public final class Fitting {
    /** Everything fit needs. */
    public record Options(DataOptions data, String blackBox, String blackBoxOutput, String explainedClass, long seed,
                          Path out, int neighbours, double sigma, double kernelWidth, GimeFitter.Params gime,
                          double l2eShare, String modelId, int[] kSweep, boolean report,
                          L2eFitting.Options l2e) {
    }

    /** What fit produced. */
    public record Outcome(LoadedBundle bundle, GimeFitter.Result result, Experiment experiment, int[] trainAssign,
                          int parityMismatches) {
    }

    private Fitting() {
    }

    public static Outcome run(Options o, PrintStream out, PrintStream err) {
        long t0 = System.nanoTime();
        Prepared prep = Prepared.load(o.data(), o.seed());
        for (String w : prep.data.warnings()) {
            err.println("warning: " + w);
        }
        err.printf("data: %s, %d rows, %d features (%s); split %d/%d/%d (seed %d)%n", prep.data.source(),
                prep.data.size(), prep.data.dimension(), prep.kind(), prep.split.train().length,
                prep.split.validation().length, prep.split.test().length, o.seed());
        long tb = System.nanoTime();
        BlackBoxes.Made made = BlackBoxes.make(o.blackBox(), o.blackBoxOutput(), o.explainedClass(), prep, o.seed(),
                o.out());
        double bbSeconds = (System.nanoTime() - tb) / 1e9;
        try (BlackBox bb = BlackBoxes.open(made, prep.data.dimension())) {
            long tn = System.nanoTime();
            Experiment ex = new Experiment(prep, bb, (String) made.provenance().get("explained_class"), o.seed(), o.neighbours(), o.sigma(), o.kernelWidth());
            double nbSeconds = (System.nanoTime() - tn) / 1e9;
            if (ex.zeroRows > 0) {
                err.println("warning: " + ex.zeroRows + " rows have no non-zero feature and are left out");
            }
            Map<String, Object> bbMetric = blackBoxMetric(ex);
            err.printf("black box: %s (%s) trained/loaded in %.2f s; %s; neighbourhoods drawn and queried in %.2f s%n",
                    made.provenance().get("kind"), made.file().getFileName(), bbSeconds, bbMetric, nbSeconds);
            FitProblem pb = ex.problem();
            GimeFitter.Result res = new GimeFitter(pb, o.gime(), err).fit();
            GroupModel model = res.model();
            err.printf("gime: best restart %d round %d, validation RMSE %.4f; fit took %.3f s%n",
                    res.restart() + 1, res.round(), res.validationRmse(), res.seconds());

            int k = model.k();
            int[] trainAssign = model.assignAll(ex.xTrain);
            long[] sizes = new long[k];
            for (int a : trainAssign) {
                sizes[a]++;
            }
            double[] sse = new double[ex.xVal.n];
            pb.validationRmse(model, sse);
            int[] valAssign = model.assignAll(ex.xVal);
            double[] gs = new double[k];
            int[] gc = new int[k];
            for (int i = 0; i < ex.xVal.n; i++) {
                gs[valAssign[i]] += sse[i];
                gc[valAssign[i]]++;
            }
            Double[] groupRmse = new Double[k];
            for (int g = 0; g < k; g++) {
                groupRmse[g] = gc[g] == 0 ? null : Math.sqrt(gs[g] / (gc[g] * (double) ex.m));
            }
            // routing on validation: posterior and residual at the instance itself
            double[] fx = ex.fz(ex.xVal);
            double[] post = new double[ex.xVal.n];
            double[] resid = new double[ex.xVal.n];
            double[] logits = new double[k];
            for (int i = 0; i < ex.xVal.n; i++) {
                int a = model.logits(ex.xVal, i, logits);
                double max = logits[a];
                double sum = 0;
                for (double l : logits) {
                    sum += Math.exp(l - max);
                }
                post[i] = 1 / sum;
                resid[i] = Math.abs(model.theta()[a].apply(ex.xVal, i) - fx[i]);
            }
            RoutingThresholds routing = BundleMaker.calibrate(post, resid, o.l2eShare());
            Double[] groupShare = new Double[k];
            int[] routedPerGroup = new int[k];
            for (int i = 0; i < ex.xVal.n; i++) {
                if (post[i] < routing.minPosterior() || resid[i] > routing.maxResidual()) {
                    routedPerGroup[valAssign[i]]++;
                }
            }
            for (int g = 0; g < k; g++) {
                groupShare[g] = gc[g] == 0 ? 0.0 : routedPerGroup[g] / (double) gc[g];
            }

            Map<String, Object> prov = provenance(o, prep, ex, made, bbMetric, res, bbSeconds, nbSeconds);
            L2eFitting.Made l2e = o.l2e() == null ? null : L2eFitting.run(ex, o.l2e(), o.out(), err);
            if (l2e != null) {
                prov.put("l2e", l2e.provenance());
            }
            String modelId = o.modelId() != null ? o.modelId() : stem(o.data().path());
            String version = "s" + o.seed() + "-k" + k + "-" + prep.fingerprint.substring(0, 8);
            ModelBundle manifest = BundleMaker.manifest(modelId, version, ex, model, sizes, groupRmse, groupShare,
                    routing, prov);
            if (l2e != null) {
                manifest = manifest.withL2e(l2e.spec());
            }
            BundleIo.write(manifest, o.out(), l2e == null ? null : l2e.onnx());
            if (l2e != null) {
                deleteQuietly(l2e.onnx());
                deleteQuietly(l2e.onnx().getParent());
            }
            LoadedBundle loaded = BundleIo.read(o.out());
            int mismatches = parity(GimeModel.of(loaded.model()), ex, model);
            if (mismatches > 0) {
                err.println("warning: the served GimeModel assigns " + mismatches + " validation rows differently "
                        + "from the trainer (float rounding at ties)");
            }
            Summary.print(out, loaded.model(), ex, groupRmse, res);
            if (o.report()) {
                List<double[]> sweep = kSweep(o, pb, err);
                Report.write(o.out().resolve("report.html"), loaded.model(), ex, model, groupRmse, res, sweep,
                        post, sse);
                out.println("report: " + o.out().resolve("report.html"));
            }
            out.printf("bundle: %s (total %.1f s)%n", o.out(), (System.nanoTime() - t0) / 1e9);
            return new Outcome(loaded, res, ex, trainAssign, mismatches);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            java.nio.file.Files.deleteIfExists(p);
        } catch (java.io.IOException e) {
            // a leftover temporary file is harmless
        }
    }

    static Map<String, Object> blackBoxMetric(Experiment ex) {
        Map<String, Object> m = new LinkedHashMap<>();
        int[] te = ex.test;
        Rows x = ex.xTest;
        double[] f = ex.fz(x);
        if (ex.classification()) {
            int right = 0;
            for (int i = 0; i < te.length; i++) {
                int label = (int) ex.prep.data.y()[te[i]];
                double p = ex.prep.target.fromZ(f[i]);
                String cls = ex.prep.data.classLabels().get(label);
                boolean predictedExplained = p > 0.5;
                right += (predictedExplained == isExplained(ex, cls)) ? 1 : 0;
            }
            m.put("test_accuracy", right / (double) te.length);
        } else {
            double s = 0;
            for (int i = 0; i < te.length; i++) {
                double e = f[i] - ex.prep.target.toZ(ex.prep.data.y()[te[i]]);
                s += e * e;
            }
            m.put("test_rmse", Math.sqrt(s / te.length));
        }
        return m;
    }

    private static boolean isExplained(Experiment ex, String cls) {
        Object c = ex.explainedClass;
        return cls.equals(c);
    }

    /** Assignments of the served model (core's GimeModel on raw features) against the trainer's, on validation. */
    static int parity(GimeModel served, Experiment ex, GroupModel model) {
        Workspace ws = served.newWorkspace();
        Rows raw = ex.prep.data.x().select(ex.validation);
        int[] mine = model.assignAll(ex.xVal);
        int bad = 0;
        for (int i = 0; i < raw.n; i++) {
            assign(served, raw, i, ws);
            if (ws.group() != mine[i]) {
                bad++;
            }
        }
        return bad;
    }

    static void assign(GimeModel served, Rows raw, int i, Workspace ws) {
        int nnz = raw.nnz(i);
        int[] idx = new int[nnz];
        float[] v = new float[nnz];
        for (int p = 0; p < nnz; p++) {
            idx[p] = raw.col[raw.ptr[i] + p];
            v[p] = (float) raw.val[raw.ptr[i] + p];
        }
        if (nnz == raw.d) {
            served.assignDense(v, ws);
        } else {
            served.assignSparse(idx, v, nnz, ws);
        }
    }

    private static List<double[]> kSweep(Options o, FitProblem pb, PrintStream err) {
        List<double[]> out = new ArrayList<>();
        if (o.kSweep() == null) {
            return out;
        }
        for (int k : o.kSweep()) {
            GimeFitter.Result r = new GimeFitter(pb, o.gime().withK(k).withRestarts(1), null).fit();
            out.add(new double[]{k, r.validationRmse()});
            err.printf("k sweep: K=%d validation RMSE %.4f (%.2f s)%n", k, r.validationRmse(), r.seconds());
        }
        return out;
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static Map<String, Object> provenance(Options o, Prepared prep, Experiment ex, BlackBoxes.Made made,
                                                  Map<String, Object> bbMetric, GimeFitter.Result res,
                                                  double bbSeconds, double nbSeconds) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("trainer", "explainstream-trainer " + Main.VERSION);
        p.put("seed", o.seed());
        Map<String, Object> data = new LinkedHashMap<>(o.data().toMap());
        data.put("sha256", prep.fingerprint);
        data.put("rows", prep.data.size());
        data.put("rows_dropped", prep.data.rowsDropped());
        data.put("rows_without_features", ex.zeroRows);
        p.put("data", data);
        p.put("split", Map.of("seed", o.seed(), "train", prep.split.train().length,
                "validation", prep.split.validation().length, "test", prep.split.test().length,
                "ratios", "70/15/15"));
        List<Integer> testRows = new java.util.ArrayList<>();
        for (int i : prep.split.test()) {
            testRows.add(prep.data.sourceRows()[i]);
        }
        p.put("testRows", testRows);
        Map<String, Object> bb = new LinkedHashMap<>(made.provenance());
        bb.put("file", BlackBoxes.FILE);
        bb.put("output", made.output() == null ? "" : made.output());
        bb.put("column", made.column());
        bb.put("input", "raw features, float[N, d]");
        bb.putAll(bbMetric);
        bb.put("seconds", bbSeconds);
        p.put("black_box", bb);
        p.put("neighbourhoods", Map.of("per_instance", o.neighbours(), "sigma", o.sigma(),
                "kind", ex.text() ? "word removal" : "gaussian in z-space", "kernel_width", o.kernelWidth(),
                "seconds", nbSeconds));
        GimeFitter.Params g = o.gime();
        Map<String, Object> hp = new LinkedHashMap<>();
        hp.put("k", g.k());
        hp.put("s", g.s());
        hp.put("region_s", g.regionS());
        hp.put("rounds", g.rounds());
        hp.put("patience", g.patience());
        hp.put("psi_steps", g.psiSteps());
        hp.put("unmasked_steps", g.unmaskedSteps());
        hp.put("lr", g.lr());
        hp.put("tau_init", g.tauInit());
        hp.put("restarts", g.restarts());
        hp.put("theta_step", g.method().name().toLowerCase());
        p.put("gime", hp);
        p.put("fit_seconds", res.seconds());
        p.put("best", Map.of("restart", res.restart(), "round", res.round(), "validation_rmse", res.validationRmse()));
        List<Map<String, Object>> rounds = new ArrayList<>();
        for (GimeFitter.Round r : res.rounds()) {
            rounds.add(Map.of("restart", r.restart(), "round", r.round(), "objective", r.objective(),
                    "validation_rmse", r.validationRmse(), "tau", r.tau()));
        }
        p.put("rounds", rounds);
        p.put("l2e_share_target", o.l2eShare());
        p.put("versions", Map.of("java", System.getProperty("java.version"), "tribuo", "4.3.2",
                "onnxruntime", "1.28.0"));
        return p;
    }

    static Linear[] thetas(GroupModel m) {
        return m.theta();
    }
}
