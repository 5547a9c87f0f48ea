package io.explainstream.trainer;

import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.trainer.data.Rows;
import io.explainstream.trainer.l2e.L2eOnnx;
import io.explainstream.trainer.l2e.Masks;
import io.explainstream.trainer.l2e.Teacher;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The L2E evaluation on the test split, teacher and L2E side by side in one run, both explaining the predicted
 * output: agreement (classification: f's class on the input kept to the HIGH_POSITIVE features equals its class on
 * the full input), Δlog-odds of the predicted class (classification) or drop of f in z-units (regression) when the
 * positively labelled features are masked, the same for a random mask of the same size, stability (the L2E paper's
 * IoU of the label sets over each instance's 3 nearest test neighbours with the same predicted class; cosine
 * similarity for text, Euclidean distance in z-space for tabular data), and milliseconds per explanation.
 */
final class L2eEvaluation {
    /** What to run: the bundle's teacher and its samples, how many test rows, and the speed measurement's size. */
    record Settings(String teacher, int teacherSamples, int limeSamples, int instances, int speedInstances,
                    int neighbours) {
    }

    static final int BATCH = 64;

    private L2eEvaluation() {
    }

    private static Label[] labels(Rows x, L2eOnnx.Output out) {
        Label[] l = new Label[x.val.length];
        for (int i = 0; i < x.n; i++) {
            for (int p = x.ptr[i]; p < x.ptr[i + 1]; p++) {
                l[p] = out.label(i, x.col[p]);
            }
        }
        return l;
    }

    static Map<String, Object> run(Experiment ex, Path onnx, L2eSpec spec, Settings s, PrintStream out,
                                   PrintStream err) {
        Rows x = ex.xTest.select(L2eFitting.firstRows(ex.xTest.n, s.instances(), ex.seed + 41));
        double[] f = ex.fz(x);
        double[] sign = L2eFitting.sign(ex, f);
        Teacher teacher = L2eFitting.teacher(ex, s.teacher(), s.teacherSamples());
        long t0 = System.nanoTime();
        Rows w = Masks.signed(teacher.explain(x, ex.seed + 51), sign);
        double teacherMs = (System.nanoTime() - t0) / 1e6 / x.n;
        Label[] teacherLabels = Masks.labels(w);
        Label[] l2eLabels;
        double batchedMs;
        double singleMs;
        try (L2eOnnx model = L2eOnnx.open(onnx, spec, x.d, BATCH, 1)) {
            model.explain(x, f);
            long tb = System.nanoTime();
            l2eLabels = labels(x, model.explain(x, f));
            batchedMs = (System.nanoTime() - tb) / 1e6 / x.n;
            Rows few = x.select(L2eFitting.firstRows(x.n, s.speedInstances(), ex.seed + 42));
            double[] fFew = ex.fz(few);
            long ts = System.nanoTime();
            for (int i = 0; i < few.n; i++) {
                model.explainOne(few, i, fFew[i]);
            }
            singleMs = (System.nanoTime() - ts) / 1e6 / few.n;
        }
        Rows few = x.select(L2eFitting.firstRows(x.n, s.speedInstances(), ex.seed + 43));
        Teacher lime = L2eFitting.teacher(ex, "lime", s.limeSamples());
        long tl = System.nanoTime();
        lime.explain(few, ex.seed + 52);
        double limeMs = (System.nanoTime() - tl) / 1e6 / few.n;

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("teacher", teacher.name());
        r.put("teacher_samples", s.teacherSamples());
        r.put("instances", x.n);
        boolean cls = ex.classification();
        Faithfulness mine = faithfulness(ex, x, f, sign, l2eLabels, ex.seed + 61);
        Faithfulness theirs = faithfulness(ex, x, f, sign, teacherLabels, ex.seed + 61);
        if (cls) {
            r.put("agreement", mine.agreement);
            r.put("teacher_agreement", theirs.agreement);
            r.put("delta_log_odds", mine.change);
            r.put("teacher_delta_log_odds", theirs.change);
            r.put("random_delta_log_odds", mine.randomChange);
            r.put("teacher_random_delta_log_odds", theirs.randomChange);
        } else {
            r.put("prediction_drop", mine.change);
            r.put("teacher_prediction_drop", theirs.change);
            r.put("random_prediction_drop", mine.randomChange);
            r.put("teacher_random_prediction_drop", theirs.randomChange);
        }
        int[][] nn = neighbours(ex, x, f, s.neighbours());
        r.put("iou", iou(x, l2eLabels, nn));
        r.put("teacher_iou", iou(x, teacherLabels, nn));
        r.put("label_agreement_with_teacher", sameLabels(l2eLabels, teacherLabels));
        r.put("high_positive_per_instance", count(l2eLabels, Label.HIGH_POSITIVE) / (double) x.n);
        r.put("teacher_high_positive_per_instance", count(teacherLabels, Label.HIGH_POSITIVE) / (double) x.n);
        r.put("without_high_positive", without(x, l2eLabels, Label.HIGH_POSITIVE));
        r.put("teacher_without_high_positive", without(x, teacherLabels, Label.HIGH_POSITIVE));
        r.put("ms_per_explanation", batchedMs);
        r.put("ms_per_explanation_one_at_a_time", singleMs);
        r.put("teacher_ms_per_explanation", teacherMs);
        r.put("lime5000_ms_per_explanation", limeMs);
        r.put("lime_samples", s.limeSamples());
        r.put("speedup", limeMs / batchedMs);
        r.put("speedup_one_at_a_time", limeMs / singleMs);
        r.put("teacher_speedup", teacherMs / batchedMs);
        print(out, r, cls);
        return r;
    }

    private record Faithfulness(Double agreement, double change, double randomChange) {
    }

    private static Faithfulness faithfulness(Experiment ex, Rows x, double[] f, double[] sign, Label[] labels,
                                             long seed) {
        boolean cls = ex.classification();
        Rows masked = Masks.keep(x, p -> labels[p] != Label.HIGH_POSITIVE && labels[p] != Label.LOW_POSITIVE);
        Rows random = Masks.randomLike(x, masked, seed);
        double[] fm = ex.fz(masked);
        double[] fr = ex.fz(random);
        Double agreement = null;
        if (cls) {
            Rows kept = Masks.keep(x, p -> labels[p] == Label.HIGH_POSITIVE);
            double[] fk = ex.fz(kept);
            int same = 0;
            for (int i = 0; i < x.n; i++) {
                same += (cls(ex, fk[i]) == cls(ex, f[i])) ? 1 : 0;
            }
            agreement = same / (double) x.n;
        }
        double change = 0;
        double randomChange = 0;
        for (int i = 0; i < x.n; i++) {
            if (cls) {
                change += logOdds(ex, f[i], sign[i]) - logOdds(ex, fm[i], sign[i]);
                randomChange += logOdds(ex, f[i], sign[i]) - logOdds(ex, fr[i], sign[i]);
            } else {
                change += f[i] - fm[i];
                randomChange += f[i] - fr[i];
            }
        }
        return new Faithfulness(agreement, change / x.n, randomChange / x.n);
    }

    private static boolean cls(Experiment ex, double fz) {
        return ex.prep.target.fromZ(fz) >= 0.5;
    }

    private static double logOdds(Experiment ex, double fz, double sign) {
        double p = ex.prep.target.fromZ(fz);
        p = sign > 0 ? p : 1 - p;
        p = Math.min(1 - 1e-7, Math.max(1e-7, p));
        return Math.log(p / (1 - p));
    }

    /** For each row, its k nearest other rows with the same predicted class (regression: any). */
    static int[][] neighbours(Experiment ex, Rows x, double[] f, int k) {
        int[][] out = new int[x.n][];
        double[] norm = new double[x.n];
        for (int i = 0; i < x.n; i++) {
            norm[i] = x.norm(i);
        }
        for (int i = 0; i < x.n; i++) {
            int[] best = new int[k];
            double[] dist = new double[k];
            java.util.Arrays.fill(dist, Double.POSITIVE_INFINITY);
            java.util.Arrays.fill(best, -1);
            double[] xi = x.denseRow(i);
            for (int j = 0; j < x.n; j++) {
                if (j == i || (ex.classification() && cls(ex, f[i]) != cls(ex, f[j]))) {
                    continue;
                }
                double dot = x.dot(j, xi);
                double d = ex.text() ? 1 - dot / (norm[i] * norm[j]) : norm[i] * norm[i] + norm[j] * norm[j] - 2 * dot;
                int pos = k;
                while (pos > 0 && d < dist[pos - 1]) {
                    pos--;
                }
                if (pos < k) {
                    System.arraycopy(dist, pos, dist, pos + 1, k - pos - 1);
                    System.arraycopy(best, pos, best, pos + 1, k - pos - 1);
                    dist[pos] = d;
                    best[pos] = j;
                }
            }
            int c = 0;
            while (c < k && best[c] >= 0) {
                c++;
            }
            out[i] = java.util.Arrays.copyOf(best, c);
        }
        return out;
    }

    /** The L2E paper's IoU (eq. 1): per non-neutral label, intersection over union of the feature sets. */
    static double iou(Rows x, Label[] labels, int[][] nn) {
        double total = 0;
        int counted = 0;
        for (int i = 0; i < x.n; i++) {
            if (nn[i].length == 0) {
                continue;
            }
            double s = 0;
            for (int j : nn[i]) {
                int inter = 0;
                int union = 0;
                for (Label l : Label.values()) {
                    if (l == Label.NEUTRAL) {
                        continue;
                    }
                    java.util.Set<Integer> a = set(x, labels, i, l);
                    java.util.Set<Integer> b = set(x, labels, j, l);
                    union += a.size() + b.size();
                    a.retainAll(b);
                    inter += a.size();
                    union -= a.size();
                }
                s += union == 0 ? 1.0 : inter / (double) union;
            }
            total += s / nn[i].length;
            counted++;
        }
        return counted == 0 ? 0 : total / counted;
    }

    private static java.util.Set<Integer> set(Rows x, Label[] labels, int i, Label l) {
        java.util.Set<Integer> s = new java.util.HashSet<>();
        for (int p = x.ptr[i]; p < x.ptr[i + 1]; p++) {
            if (labels[p] == l) {
                s.add(x.col[p]);
            }
        }
        return s;
    }

    private static double without(Rows x, Label[] labels, Label l) {
        int none = 0;
        for (int i = 0; i < x.n; i++) {
            boolean found = false;
            for (int p = x.ptr[i]; p < x.ptr[i + 1] && !found; p++) {
                found = labels[p] == l;
            }
            none += found ? 0 : 1;
        }
        return none / (double) x.n;
    }

    private static long count(Label[] labels, Label l) {
        return java.util.Arrays.stream(labels).filter(x -> x == l).count();
    }

    private static double sameLabels(Label[] a, Label[] b) {
        int same = 0;
        for (int p = 0; p < a.length; p++) {
            same += a[p] == b[p] ? 1 : 0;
        }
        return a.length == 0 ? 0 : same / (double) a.length;
    }

    private static void print(PrintStream out, Map<String, Object> r, boolean cls) {
        out.printf(Locale.ROOT, "L2E on %d test instances, teacher %s (%d samples), side by side:%n",
                r.get("instances"), r.get("teacher"), r.get("teacher_samples"));
        out.printf("%-22s %-12s %-12s %s%n", "", "l2e", "teacher", "random");
        if (cls) {
            out.printf(Locale.ROOT, "%-22s %-12.4f %-12.4f%n", "agreement", r.get("agreement"),
                    r.get("teacher_agreement"));
            out.printf(Locale.ROOT, "%-22s %-12.4f %-12.4f %.4f%n", "delta log-odds", r.get("delta_log_odds"),
                    r.get("teacher_delta_log_odds"), r.get("random_delta_log_odds"));
        } else {
            out.printf(Locale.ROOT, "%-22s %-12.4f %-12.4f %.4f%n", "prediction drop (z)", r.get("prediction_drop"),
                    r.get("teacher_prediction_drop"), r.get("random_prediction_drop"));
        }
        out.printf(Locale.ROOT, "%-22s %-12.4f %-12.4f%n", "IoU (3 neighbours)", r.get("iou"), r.get("teacher_iou"));
        out.printf(Locale.ROOT, "%-22s %-12.4f %-12.4f%n", "ms per explanation", r.get("ms_per_explanation"),
                r.get("teacher_ms_per_explanation"));
        out.printf(Locale.ROOT, "L2E batched %.4f ms, one at a time %.4f ms; LIME with %d samples %.2f ms: %.0fx "
                        + "faster batched, %.0fx one at a time%n", r.get("ms_per_explanation"),
                r.get("ms_per_explanation_one_at_a_time"), r.get("lime_samples"), r.get("lime5000_ms_per_explanation"),
                r.get("speedup"), r.get("speedup_one_at_a_time"));
    }
}
