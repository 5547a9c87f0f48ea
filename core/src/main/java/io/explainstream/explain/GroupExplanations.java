package io.explainstream.explain;

import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;

import java.util.ArrayList;
import java.util.List;

/**
 * The explanation an assigned group gives an event: each feature of θ_k with a non-zero contribution θ_j·x'_j,
 * labelled per instance, largest |contribution| first (ties: lower feature index first), at most {@code limit} of
 * them.
 */
public final class GroupExplanations {
    private GroupExplanations() {
    }

    /** Receives an explanation's features in order; see {@link #write}. */
    @FunctionalInterface
    public interface Sink {
        /** Called once, before the features, with how many follow. */
        default void begin(int count) {
        }

        void accept(int index, String name, double value, double weight, double contribution, Label label);
    }

    /** Reusable arrays for {@link #write} and {@link #writeScores}, grown to the widest group or model; per thread. */
    public static final class Scratch {
        private double[] contributions = new double[0];
        private Label[] labels = new Label[0];
        private int[] order = new int[0];

        private void ensure(int n) {
            if (contributions.length < n) {
                contributions = new double[n];
                labels = new Label[n];
                order = new int[n];
            }
        }
    }

    /**
     * Hands the group explanation of the event assigned in {@code ws} to {@code sink}, feature by feature, without
     * allocating (beyond growing {@code scratch} once per wider group).
     *
     * @return the number of features handed over
     */
    public static int write(GimeModel model, Workspace ws, int limit, Scratch scratch, Sink sink) {
        int k = ws.group();
        int[] idx = model.explanationIndices(k);
        double[] w = model.explanationWeights(k);
        int n = idx.length;
        scratch.ensure(n);
        double[] c = scratch.contributions;
        int[] order = scratch.order;
        int m = 0;
        for (int i = 0; i < n; i++) {
            c[i] = w[i] * ws.scaled(idx[i]);
            if (c[i] != 0) {
                order[m++] = i;
            }
        }
        Labels.of(c, n, scratch.labels);
        for (int a = 1; a < m; a++) {
            int item = order[a];
            int b = a;
            while (b > 0 && before(c, idx, item, order[b - 1])) {
                order[b] = order[b - 1];
                b--;
            }
            order[b] = item;
        }
        int out = Math.min(m, limit);
        sink.begin(out);
        for (int t = 0; t < out; t++) {
            int i = order[t];
            sink.accept(idx[i], model.featureName(idx[i]), ws.scaled(idx[i]), w[i], c[i], scratch.labels[i]);
        }
        return out;
    }

    private static boolean before(double[] c, int[] idx, int i, int j) {
        double a = Math.abs(c[i]);
        double b = Math.abs(c[j]);
        return a > b || (a == b && idx[i] < idx[j]);
    }

    /** The same explanation as a list of {@link Attribution}s. */
    public static List<Attribution> of(GimeModel model, Workspace ws, int limit) {
        List<Attribution> out = new ArrayList<>();
        write(model, ws, limit, new Scratch(), (index, name, value, weight, contribution, label) ->
                out.add(new Attribution(index, name, value, weight, contribution, label)));
        return out;
    }

    /**
     * Hands the explanation a neural explainer's {@code scores} give an event to {@code sink}, without allocating
     * (beyond growing {@code scratch} once per wider model): each feature with a non-zero score, or with a non-neutral
     * label when {@code labels} are given (otherwise the scores are labelled per instance), largest |score| first
     * (ties: lower feature index first), at most {@code limit}; value is the scaled feature, weight and contribution
     * the score.
     *
     * @return the number of features handed over
     */
    public static int writeScores(GimeModel model, float[] scaled, float[] scores, Label[] labels, int limit,
                                  Scratch scratch, Sink sink) {
        int d = scores.length;
        scratch.ensure(d);
        double[] s = scratch.contributions;
        for (int j = 0; j < d; j++) {
            s[j] = scores[j];
        }
        Label[] l = labels;
        if (l == null) {
            Labels.of(s, d, scratch.labels);
            l = scratch.labels;
        }
        int[] top = scratch.order;
        int n = 0;
        for (int j = 0; j < d; j++) {
            if (s[j] == 0 && (labels == null || labels[j] == Label.NEUTRAL)) {
                continue;
            }
            double a = Math.abs(s[j]);
            if (n == limit && a <= Math.abs(s[top[n - 1]])) {
                continue;
            }
            int b = n == limit ? n - 1 : n++;
            while (b > 0 && a > Math.abs(s[top[b - 1]])) {
                top[b] = top[b - 1];
                b--;
            }
            top[b] = j;
        }
        sink.begin(n);
        for (int t = 0; t < n; t++) {
            int j = top[t];
            sink.accept(j, model.featureName(j), scaled[j], s[j], s[j], l[j]);
        }
        return n;
    }

    /** The same explanation as a list of {@link Attribution}s; see {@link #writeScores}. */
    public static List<Attribution> ofScores(GimeModel model, float[] scaled, float[] scores, Label[] labels,
                                             int limit) {
        List<Attribution> out = new ArrayList<>();
        writeScores(model, scaled, scores, labels, limit, new Scratch(), (index, name, value, weight, contribution,
                label) -> out.add(new Attribution(index, name, value, weight, contribution, label)));
        return out;
    }
}
