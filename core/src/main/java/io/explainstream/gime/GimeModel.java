package io.explainstream.gime;

import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.bundle.TargetScale;

import java.util.List;

/**
 * A compiled GIME model: scales an event's features as at fit time, assigns it to a group by
 * p(k|x) = softmax_k(τ·φ_kᵀx'/(‖φ_k‖‖x'‖)) and evaluates that group's surrogate g_k(x') = θ_kᵀx' + b_k.
 * Cost is O(nnz(x) + Σ_k nnz(φ_k) + nnz(θ_k)) (K·max_k nnz(φ_k) when regions of at most 8 non-zeros are padded
 * for straight-line code); sparse vectors are never densified (unless the scaler centers).
 * Immutable and thread-safe; all per-event state lives in a {@link Workspace}, so assignment does not allocate.
 */
public final class GimeModel {
    private final int dimension;
    private final int groups;
    private final double tau;
    private final double[] center;
    private final double[] invScale;
    private final double[] offset;
    /** Largest region size for which the logits use straight-line per-group code over a padded layout. */
    static final int MAX_PADDED_REGION = 8;

    /**
     * The unit regions φ_k/‖φ_k‖, flattened: group k's entries are {@code [phiStart[k], phiStart[k+1])}. When every
     * region has at most {@link #MAX_PADDED_REGION} non-zeros, each group instead has exactly {@code phiStride}
     * entries, padded with weight 0 at index {@code dimension} (a slot of the workspace that is always 0), so the
     * logits are computed by straight-line code; otherwise {@code phiStride} is 0.
     */
    private final int[] phiStart;
    private final int[] phiIdx;
    private final double[] phiVal;
    private final int phiStride;
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
        int[][] phiIndex = new int[groups][];
        double[][] phiUnit = new double[groups][];
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
        int widest = 0;
        for (int k = 0; k < groups; k++) {
            widest = Math.max(widest, phiIndex[k].length);
        }
        phiStride = widest <= MAX_PADDED_REGION ? widest : 0;
        phiStart = new int[groups + 1];
        for (int k = 0; k < groups; k++) {
            phiStart[k + 1] = phiStart[k] + (phiStride > 0 ? phiStride : phiIndex[k].length);
        }
        phiIdx = new int[phiStart[groups]];
        phiVal = new double[phiStart[groups]];
        java.util.Arrays.fill(phiIdx, dimension);
        for (int k = 0; k < groups; k++) {
            System.arraycopy(phiIndex[k], 0, phiIdx, phiStart[k], phiIndex[k].length);
            System.arraycopy(phiUnit[k], 0, phiVal, phiStart[k], phiUnit[k].length);
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
        // One pass: x'_j = raw_j·(1/s_j) − c_j/s_j, stored, and ‖x'‖² in eight independent accumulators. (The
        // float-to-double conversion keeps C2 from vectorising this loop, so fusing saves re-reading x'.)
        double[] x = ws.scaled;
        double[] inv = invScale;
        double[] off = offset;
        int d = dimension;
        double a0 = 0;
        double a1 = 0;
        double a2 = 0;
        double a3 = 0;
        double a4 = 0;
        double a5 = 0;
        double a6 = 0;
        double a7 = 0;
        int j = 0;
        for (; j + 7 < d; j += 8) {
            double v0 = raw[j] * inv[j] + off[j];
            double v1 = raw[j + 1] * inv[j + 1] + off[j + 1];
            double v2 = raw[j + 2] * inv[j + 2] + off[j + 2];
            double v3 = raw[j + 3] * inv[j + 3] + off[j + 3];
            double v4 = raw[j + 4] * inv[j + 4] + off[j + 4];
            double v5 = raw[j + 5] * inv[j + 5] + off[j + 5];
            double v6 = raw[j + 6] * inv[j + 6] + off[j + 6];
            double v7 = raw[j + 7] * inv[j + 7] + off[j + 7];
            x[j] = v0;
            x[j + 1] = v1;
            x[j + 2] = v2;
            x[j + 3] = v3;
            x[j + 4] = v4;
            x[j + 5] = v5;
            x[j + 6] = v6;
            x[j + 7] = v7;
            a0 += v0 * v0;
            a1 += v1 * v1;
            a2 += v2 * v2;
            a3 += v3 * v3;
            a4 += v4 * v4;
            a5 += v5 * v5;
            a6 += v6 * v6;
            a7 += v7 * v7;
        }
        for (; j < d; j++) {
            double v = raw[j] * inv[j] + off[j];
            x[j] = v;
            a0 += v * v;
        }
        ws.denseFilled = true;
        ws.touchedCount = 0;
        finish(ws, Math.sqrt(((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7))));
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
        int[] pi = phiIdx;
        double[] pv = phiVal;
        int[] ps = phiStart;
        int stride = phiStride;
        int best = 0;
        for (int k = 0; k < groups; k++) {
            int p = ps[k];
            double dot;
            // The same left-to-right sum as a plain loop (padding adds +0 at the end), unrolled for small regions:
            // the branch is the same for every group and predicted, and the gathers of several groups overlap.
            switch (stride) {
                    case 1:
                        dot = pv[p] * x[pi[p]];
                        break;
                    case 2:
                        dot = pv[p] * x[pi[p]];
                        dot += pv[p + 1] * x[pi[p + 1]];
                        break;
                    case 3:
                        dot = pv[p] * x[pi[p]];
                        dot += pv[p + 1] * x[pi[p + 1]];
                        dot += pv[p + 2] * x[pi[p + 2]];
                        break;
                    case 4:
                        dot = pv[p] * x[pi[p]];
                        dot += pv[p + 1] * x[pi[p + 1]];
                        dot += pv[p + 2] * x[pi[p + 2]];
                        dot += pv[p + 3] * x[pi[p + 3]];
                        break;
                    case 5:
                        dot = pv[p] * x[pi[p]];
                        dot += pv[p + 1] * x[pi[p + 1]];
                        dot += pv[p + 2] * x[pi[p + 2]];
                        dot += pv[p + 3] * x[pi[p + 3]];
                        dot += pv[p + 4] * x[pi[p + 4]];
                        break;
                    case 6:
                        dot = pv[p] * x[pi[p]];
                        dot += pv[p + 1] * x[pi[p + 1]];
                        dot += pv[p + 2] * x[pi[p + 2]];
                        dot += pv[p + 3] * x[pi[p + 3]];
                        dot += pv[p + 4] * x[pi[p + 4]];
                        dot += pv[p + 5] * x[pi[p + 5]];
                        break;
                    case 7:
                        dot = pv[p] * x[pi[p]];
                        dot += pv[p + 1] * x[pi[p + 1]];
                        dot += pv[p + 2] * x[pi[p + 2]];
                        dot += pv[p + 3] * x[pi[p + 3]];
                        dot += pv[p + 4] * x[pi[p + 4]];
                        dot += pv[p + 5] * x[pi[p + 5]];
                        dot += pv[p + 6] * x[pi[p + 6]];
                        break;
                    case 8:
                        dot = pv[p] * x[pi[p]];
                        dot += pv[p + 1] * x[pi[p + 1]];
                        dot += pv[p + 2] * x[pi[p + 2]];
                        dot += pv[p + 3] * x[pi[p + 3]];
                        dot += pv[p + 4] * x[pi[p + 4]];
                        dot += pv[p + 5] * x[pi[p + 5]];
                        dot += pv[p + 6] * x[pi[p + 6]];
                        dot += pv[p + 7] * x[pi[p + 7]];
                        break;
                    default:
                        dot = 0;
                        for (int end = ps[k + 1]; p < end; p++) {
                            dot += pv[p] * x[pi[p]];
                        }
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
