package io.explainstream.explain;

import io.explainstream.bundle.ModelBundle;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.RandomModels;
import io.explainstream.gime.Workspace;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupExplanationsTest {

    /** The definition: every non-zero θ_j·x'_j of the assigned group, labelled over all of them, sorted, cut. */
    private static List<Attribution> reference(GimeModel model, Workspace ws, int limit) {
        int[] idx = model.explanationIndices(ws.group());
        double[] w = model.explanationWeights(ws.group());
        double[] c = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            c[i] = w[i] * ws.scaled(idx[i]);
        }
        Label[] labels = Labels.of(c);
        List<Attribution> all = new ArrayList<>();
        for (int i = 0; i < idx.length; i++) {
            if (c[i] != 0) {
                all.add(new Attribution(idx[i], model.featureName(idx[i]), ws.scaled(idx[i]), w[i], c[i], labels[i]));
            }
        }
        all.sort(Comparator.comparingDouble((Attribution a) -> -Math.abs(a.contribution()))
                .thenComparingInt(Attribution::index));
        return all.subList(0, Math.min(limit, all.size()));
    }

    @Test
    void shouldWriteTheGroupExplanationAsDefinedThroughOneReusedScratch() {
        Random r = new Random(17);
        GroupExplanations.Scratch scratch = new GroupExplanations.Scratch();
        int checked = 0;
        for (int d : new int[]{1, 3, 11, 40}) {
            for (int shape = 0; shape < 4; shape++) {
                ModelBundle b = RandomModels.of(r, d, 1 + r.nextInt(6), shape, shape % 2 == 0);
                GimeModel model = GimeModel.of(b);
                Workspace ws = model.newWorkspace();
                for (int e = 0; e < 50; e++) {
                    float[] x = new float[d];
                    for (int j = 0; j < d; j++) {
                        x[j] = r.nextInt(5) == 0 ? 0 : (float) r.nextGaussian();
                    }
                    x[r.nextInt(d)] = 1 + (float) Math.abs(r.nextGaussian());
                    model.assignDense(x, ws);
                    int limit = 1 + r.nextInt(8);
                    List<Attribution> got = new ArrayList<>();
                    int n = GroupExplanations.write(model, ws, limit, scratch, (index, name, value, weight,
                            contribution, label) -> got.add(new Attribution(index, name, value, weight, contribution,
                            label)));
                    List<Attribution> expected = reference(model, ws, limit);
                    assertEquals(expected, got, "d=" + d + " shape=" + shape + " event " + e);
                    assertEquals(expected.size(), n);
                    assertEquals(expected, GroupExplanations.of(model, ws, limit));
                    checked++;
                }
            }
        }
        assertEquals(800, checked);
    }

    /** The definition of a neural explainer's explanation: reported scores, labelled, sorted, cut. */
    private static List<Attribution> scoresReference(GimeModel model, float[] scaled, float[] scores, Label[] labels,
                                                     int limit) {
        double[] s = new double[scores.length];
        for (int j = 0; j < s.length; j++) {
            s[j] = scores[j];
        }
        Label[] l = labels != null ? labels : Labels.of(s);
        List<Attribution> all = new ArrayList<>();
        for (int j = 0; j < s.length; j++) {
            if (s[j] != 0 || (labels != null && l[j] != Label.NEUTRAL)) {
                all.add(new Attribution(j, model.featureName(j), scaled[j], s[j], s[j], l[j]));
            }
        }
        all.sort(Comparator.comparingDouble((Attribution a) -> -Math.abs(a.contribution()))
                .thenComparingInt(Attribution::index));
        return all.subList(0, Math.min(limit, all.size()));
    }

    @Test
    void shouldWriteTheScoresExplanationAsDefinedThroughOneReusedScratch() {
        Random r = new Random(23);
        GroupExplanations.Scratch scratch = new GroupExplanations.Scratch();
        int checked = 0;
        for (int d : new int[]{1, 4, 11, 60}) {
            GimeModel model = GimeModel.of(RandomModels.of(r, d, 3, 0, true));
            for (int e = 0; e < 100; e++) {
                float[] scaled = new float[d];
                float[] scores = new float[d];
                for (int j = 0; j < d; j++) {
                    scaled[j] = (float) r.nextGaussian();
                    scores[j] = r.nextInt(4) == 0 ? 0 : (float) r.nextGaussian();
                }
                if (d > 2 && e % 5 == 0) {
                    scores[1] = -scores[2];
                }
                Label[] labels = null;
                if (e % 2 == 1) {
                    labels = new Label[d];
                    for (int j = 0; j < d; j++) {
                        labels[j] = Label.values()[r.nextInt(Label.values().length)];
                    }
                }
                int limit = 1 + r.nextInt(d + 2);
                List<Attribution> got = new ArrayList<>();
                int n = GroupExplanations.writeScores(model, scaled, scores, labels, limit, scratch, (index, name,
                        value, weight, contribution, label) -> got.add(new Attribution(index, name, value, weight,
                        contribution, label)));
                List<Attribution> expected = scoresReference(model, scaled, scores, labels, limit);
                assertEquals(expected, got, "d=" + d + " event " + e);
                assertEquals(expected.size(), n);
                assertEquals(expected, GroupExplanations.ofScores(model, scaled, scores, labels, limit));
                checked++;
            }
        }
        assertEquals(400, checked);
    }

    @Test
    void shouldNotAllocateOnceTheScratchFitsTheWidestGroup() {
        Random r = new Random(3);
        GimeModel model = GimeModel.of(RandomModels.of(r, 11, 10, 0, true));
        Workspace ws = model.newWorkspace();
        GroupExplanations.Scratch scratch = new GroupExplanations.Scratch();
        float[] x = new float[11];
        for (int j = 0; j < x.length; j++) {
            x[j] = (float) r.nextGaussian();
        }
        model.assignDense(x, ws);
        double[] sum = new double[1];
        GroupExplanations.Sink sink = (index, name, value, weight, contribution, label) -> sum[0] += contribution;
        GroupExplanations.write(model, ws, 5, scratch, sink);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            GroupExplanations.write(model, ws, 5, scratch, sink);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 4096, "allocated " + allocated + " bytes over 10,000 explanations");
        assertTrue(sum[0] != 0);
    }
}
