package io.explainstream.gime;

import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.SparseWeights;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The optimised assignment against a plain transcription of its definition, on random models: dense and sparse
 * regions of equal and of mixed sizes (the padded straight-line path and the general loop), K = 1, with and without
 * centering, dense and sparse events.
 */
class GimeModelReferenceTest {
    private static final double TOL = 1e-9;

    /** The definition, in the most direct form. */
    private static final class Reference {
        final double[] x;
        final double[] logits;
        int group;
        int runnerUp;
        double posterior;
        double runnerUpPosterior;
        double surrogate;
        double norm;

        Reference(ModelBundle b, double[] raw) {
            int d = b.dimension();
            List<GroupSpec> gs = b.gime().groups();
            int k = gs.size();
            x = new double[d];
            for (int j = 0; j < d; j++) {
                double c = b.scaler().center() == null ? 0 : b.scaler().center()[j];
                x[j] = (raw[j] - c) / b.scaler().scale()[j];
            }
            double n2 = 0;
            for (double v : x) {
                n2 += v * v;
            }
            norm = Math.sqrt(n2);
            logits = new double[k];
            for (int g = 0; g < k; g++) {
                SparseWeights phi = gs.get(g).region();
                double dot = 0;
                double pn = 0;
                for (int i = 0; i < phi.size(); i++) {
                    dot += phi.values()[i] * x[phi.indices()[i]];
                    pn += phi.values()[i] * phi.values()[i];
                }
                logits[g] = b.gime().tau() * dot / (Math.sqrt(pn) * norm);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int g = 0; g < k; g++) {
                if (logits[g] > max) {
                    max = logits[g];
                    group = g;
                }
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            posterior = 1 / sum;
            runnerUp = -1;
            for (int g = 0; g < k; g++) {
                if (g != group && (runnerUp < 0 || logits[g] > logits[runnerUp])) {
                    runnerUp = g;
                }
            }
            runnerUpPosterior = runnerUp < 0 ? Double.NaN : Math.exp(logits[runnerUp] - max) / sum;
            SparseWeights theta = gs.get(group).explanation();
            surrogate = gs.get(group).intercept();
            for (int i = 0; i < theta.size(); i++) {
                surrogate += theta.values()[i] * x[theta.indices()[i]];
            }
        }

        /** Whether another group's logit is too close to the one of {@code g} for the choice to survive rounding. */
        boolean nearTie(int g, int except) {
            for (int h = 0; h < logits.length; h++) {
                if (h != g && h != except && Math.abs(logits[h] - logits[g]) < 1e-9) {
                    return true;
                }
            }
            return false;
        }
    }

    @Test
    void shouldAssignLikeTheDefinitionOnRandomModels() {
        Random r = new Random(11);
        int[] dims = {1, 2, 3, 11, 100, 257};
        int[] ks = {1, 2, 4, 10, 20};
        int models = 0;
        for (int d : dims) {
            for (int k : ks) {
                for (int shape = 0; shape < 4; shape++) {
                    boolean centered = (shape & 1) == 0;
                    ModelBundle b = RandomModels.of(r, d, k, shape, centered);
                    check(b, r);
                    models++;
                }
            }
        }
        assertEquals(dims.length * ks.length * 4, models);
    }

    private static void check(ModelBundle b, Random r) {
        GimeModel model = GimeModel.of(b);
        int d = b.dimension();
        Workspace ws = model.newWorkspace();
        for (int t = 0; t < 200; t++) {
            float[] raw = new float[d];
            int nnz = 0;
            int[] idx = new int[d];
            float[] vals = new float[d];
            for (int j = 0; j < d; j++) {
                if (t % 2 == 0 || r.nextInt(4) == 0) {
                    raw[j] = (float) (r.nextGaussian() * 3);
                    idx[nnz] = j;
                    vals[nnz++] = raw[j];
                }
            }
            double[] rawD = new double[d];
            for (int j = 0; j < d; j++) {
                rawD[j] = raw[j];
            }
            Reference ref = new Reference(b, rawD);
            // alternate dense and sparse events through one workspace, as a stream does
            if (t % 3 == 1) {
                model.assignSparse(idx, vals, nnz, ws);
            } else {
                model.assignDense(raw, ws);
            }
            String where = "d=" + d + " K=" + model.groups() + " event " + t;
            for (int j = 0; j < d; j++) {
                assertEquals(ref.x[j], ws.scaled(j), 1e-12 * (1 + Math.abs(ref.x[j])), where);
            }
            assertEquals(ref.norm, ws.norm(), TOL * (1 + ref.norm), where);
            if (ref.norm == 0) {
                assertEquals(-1, ws.group(), where);
                continue;
            }
            for (int k = 0; k < model.groups(); k++) {
                assertEquals(ref.logits[k], ws.logit(k), TOL, where);
            }
            // the posteriors do not depend on how ties are broken; the indices (and the surrogate) do
            assertEquals(ref.posterior, ws.posterior(), TOL, where);
            if (ref.runnerUp < 0) {
                assertEquals(Double.NaN, ws.runnerUpPosterior(), where);
            } else {
                assertEquals(ref.runnerUpPosterior, ws.runnerUpPosterior(), TOL, where);
            }
            if (ref.nearTie(ref.group, -1)) {
                continue;
            }
            assertEquals(ref.group, ws.group(), where);
            if (ref.runnerUp >= 0 && !ref.nearTie(ref.runnerUp, ref.group)) {
                assertEquals(ref.runnerUp, ws.runnerUp(), where);
            }
            assertEquals(ref.surrogate, ws.surrogateZ(), TOL * (1 + Math.abs(ref.surrogate)), where);
        }
    }
}
