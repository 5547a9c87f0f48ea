package io.explainstream.explain;

import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The explanation an assigned group gives an event: each feature of θ_k with a non-zero contribution θ_j·x'_j,
 * labelled per instance, largest |contribution| first, at most {@code limit} of them.
 */
public final class GroupExplanations {
    private static final Comparator<Attribution> LARGEST_FIRST = Comparator
            .comparingDouble((Attribution a) -> -Math.abs(a.contribution())).thenComparingInt(Attribution::index);

    private GroupExplanations() {
    }

    public static List<Attribution> of(GimeModel model, Workspace ws, int limit) {
        int k = ws.group();
        int[] idx = model.explanationIndices(k);
        double[] w = model.explanationWeights(k);
        double[] contributions = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            contributions[i] = w[i] * ws.scaled(idx[i]);
        }
        Label[] labels = Labels.of(contributions);
        List<Attribution> out = new ArrayList<>(idx.length);
        for (int i = 0; i < idx.length; i++) {
            if (contributions[i] != 0) {
                out.add(new Attribution(idx[i], model.featureName(idx[i]), ws.scaled(idx[i]), w[i], contributions[i],
                        labels[i]));
            }
        }
        return top(out, limit);
    }

    /** Scores from a neural explainer as attributions: non-zero scores, labelled, largest |score| first. */
    public static List<Attribution> ofScores(GimeModel model, float[] scaled, float[] scores, Label[] labels,
                                             int limit) {
        double[] s = new double[scores.length];
        for (int j = 0; j < s.length; j++) {
            s[j] = scores[j];
        }
        Label[] l = labels != null ? labels : Labels.of(s);
        List<Attribution> out = new ArrayList<>();
        for (int j = 0; j < s.length; j++) {
            if (s[j] != 0 || (labels != null && l[j] != Label.NEUTRAL)) {
                out.add(new Attribution(j, model.featureName(j), scaled[j], s[j], s[j], l[j]));
            }
        }
        return top(out, limit);
    }

    private static List<Attribution> top(List<Attribution> all, int limit) {
        all.sort(LARGEST_FIRST);
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }
}
