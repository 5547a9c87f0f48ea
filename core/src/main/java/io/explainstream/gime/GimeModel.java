package io.explainstream.gime;

import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.bundle.TargetScale;

import java.util.List;

/**
 * A compiled GIME model: scales an event's features as at fit time, assigns it to a group by
 * p(k|x) = softmax_k(τ·φ_kᵀx'/(‖φ_k‖‖x'‖)) and evaluates that group's surrogate g_k(x') = θ_kᵀx' + b_k.
 * Cost is O(nnz(x) + Σ_k nnz(φ_k) + nnz(θ_k)); sparse vectors are never densified (unless the scaler centers).
 * Immutable and thread-safe; all per-event state lives in a {@link Workspace}, so assignment does not allocate.
 */
public final class GimeModel {
    private final int dimension;
    private final int groups;
    private final double tau;
    private final double[] center;
    private final double[] invScale;
    private final double[] offset;
    private final int[][] phiIndex;
    private final double[][] phiUnit;
    private final int[][] thetaIndex;
    private final double[][] theta;
    private final double[] intercept;
    private final TargetScale target;
    private final List<String> featureNames;

    private GimeModel(ModelBundle b) {
        dimension = b.dimension();
        List<GroupSpec> specs = b.gime().groups();
        groups = specs.size();
        tau = b.gime().tau();
        center = b.scaler().center() == null ? null : b.scaler().center().clone();
        invScale = new double[dimension];
        offset = new double[dimension];
        for (int j = 0; j < dimension; j++) {
            invScale[j] = 1.0 / b.scaler().scale()[j];
            offset[j] = center == null ? 0.0 : -center[j] * invScale[j];
        }
        phiIndex = new int[groups][];
        phiUnit = new double[groups][];
        thetaIndex = new int[groups][];
        theta = new double[groups][];
        intercept = new double[groups];
        for (int k = 0; k < groups; k++) {
            GroupSpec g = specs.get(k);
            SparseWeights phi = g.region();
            double norm = 0;
            for (double v : phi.values()) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            phiIndex[k] = phi.indices().clone();
            phiUnit[k] = new double[phi.size()];
            for (int j = 0; j < phi.size(); j++) {
                phiUnit[k][j] = phi.values()[j] / norm;
            }
            thetaIndex[k] = g.explanation().indices().clone();
            theta[k] = g.explanation().values().clone();
            intercept[k] = g.intercept();
        }
        target = b.target();
        featureNames = List.copyOf(b.features().names());
    }

    /** Compiles a validated bundle. */
    public static GimeModel of(ModelBundle bundle) {
        return new GimeModel(bundle);
    }

    public Workspace newWorkspace() {
        return new Workspace(dimension, groups);
    }

    public int dimension() {
        return dimension;
    }

    public int groups() {
        return groups;
    }

    public TargetScale target() {
        return target;
    }

    public String featureName(int j) {
        return featureNames.get(j);
    }

    /** The indices and weights θ_k of group k's explanation (shared arrays: do not modify). */
    public int[] explanationIndices(int k) {
        return thetaIndex[k];
    }

    public double[] explanationWeights(int k) {
        return theta[k];
    }

    public double intercept(int k) {
        return intercept[k];
    }

    /** Assigns a dense raw vector of length {@link #dimension()}; the caller has validated it. */
    public void assignDense(float[] raw, Workspace ws) {
        double[] x = ws.scaled;
        double[] inv = invScale;
        double[] off = offset;
        int d = dimension;
        for (int j = 0; j < d; j++) {
            x[j] = raw[j] * inv[j] + off[j];
        }
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            a0 += x[j] * x[j];
            a1 += x[j + 1] * x[j + 1];
            a2 += x[j + 2] * x[j + 2];
            a3 += x[j + 3] * x[j + 3];
        }
        for (; j < d; j++) {
            a0 += x[j] * x[j];
        }
        ws.denseFilled = true;
        ws.touchedCount = 0;
        finish(ws, Math.sqrt((a0 + a1) + (a2 + a3)));
    }

    /**
     * Assigns a sparse raw vector given by its first {@code nnz} strictly increasing indices (each in range) and
     * values; the caller has validated it.
     */
    public void assignSparse(int[] indices, float[] values, int nnz, Workspace ws) {
        double[] x = ws.scaled;
        if (center != null) {
            for (int j = 0; j < dimension; j++) {
                x[j] = -center[j] * invScale[j];
            }
            for (int i = 0; i < nnz; i++) {
                int j = indices[i];
                x[j] = (values[i] - center[j]) * invScale[j];
            }
            double norm2 = 0;
            for (int j = 0; j < dimension; j++) {
                norm2 += x[j] * x[j];
            }
            ws.denseFilled = true;
            ws.touchedCount = 0;
            finish(ws, Math.sqrt(norm2));
            return;
        }
        clear(ws);
        double norm2 = 0;
        int[] touched = ws.touched;
        for (int i = 0; i < nnz; i++) {
            int j = indices[i];
            double v = values[i] * invScale[j];
            x[j] = v;
            touched[i] = j;
            norm2 += v * v;
        }
        ws.touchedCount = nnz;
        finish(ws, Math.sqrt(norm2));
    }

    private void clear(Workspace ws) {
        double[] x = ws.scaled;
        if (ws.denseFilled) {
            java.util.Arrays.fill(x, 0.0);
            ws.denseFilled = false;
        } else {
            int[] touched = ws.touched;
            for (int i = 0; i < ws.touchedCount; i++) {
                x[touched[i]] = 0.0;
            }
        }
        ws.touchedCount = 0;
    }

    private void finish(Workspace ws, double norm) {
        ws.norm = norm;
        if (norm == 0) {
            ws.group = -1;
            ws.runnerUp = -1;
            ws.posterior = Double.NaN;
            ws.runnerUpPosterior = Double.NaN;
            ws.surrogateZ = Double.NaN;
            return;
        }
        double[] x = ws.scaled;
        double[] logits = ws.logits;
        double scale = tau / norm;
        int best = 0;
        for (int k = 0; k < groups; k++) {
            int[] idx = phiIndex[k];
            double[] w = phiUnit[k];
            double dot = 0;
            for (int j = 0; j < idx.length; j++) {
                dot += w[j] * x[idx[j]];
            }
            double logit = scale * dot;
            logits[k] = logit;
            if (logit > logits[best]) {
                best = k;
            }
        }
        double max = logits[best];
        double sum = 0;
        int second = -1;
        for (int k = 0; k < groups; k++) {
            sum += FastExp.exp(logits[k] - max);
            if (k != best && (second < 0 || logits[k] > logits[second])) {
                second = k;
            }
        }
        ws.group = best;
        ws.posterior = 1.0 / sum;
        ws.runnerUp = second;
        ws.runnerUpPosterior = second < 0 ? Double.NaN : FastExp.exp(logits[second] - max) / sum;
        int[] tIdx = thetaIndex[best];
        double[] t = theta[best];
        double g = intercept[best];
        for (int j = 0; j < tIdx.length; j++) {
            g += t[j] * x[tIdx[j]];
        }
        ws.surrogateZ = g;
    }
}
