package io.explainstream.app.topology;

import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.SparseFeatures;
import io.explainstream.validation.InvalidReason;
import io.explainstream.validation.VectorCheck;
import io.explainstream.validation.Violation;
import org.apache.avro.generic.PrimitivesArrays;

import java.util.List;

/**
 * Copies an event's Avro feature arrays into reusable primitive buffers, validates them against the model, and
 * assigns them. One instance per processor (per stream task); not thread-safe.
 */
final class FeatureArrays {
    private final int dimension;
    private final float[] dense;
    private int[] indices = new int[16];
    private float[] values = new float[16];

    FeatureArrays(int dimension) {
        this.dimension = dimension;
        this.dense = new float[dimension];
    }

    /** Validates and assigns the event's features; returns the violation, or null when {@code ws} holds the result. */
    Violation assign(PredictionEvent event, GimeModel model, Workspace ws) {
        Object features = event.getFeatures();
        if (features instanceof DenseFeatures d) {
            List<Float> list = d.getValues();
            int n = list.size();
            if (n != dimension) {
                return new Violation(InvalidReason.DIMENSION_MISMATCH,
                        "dense vector has " + n + " values, the model expects " + dimension);
            }
            copy(list, dense, n);
            return assignDense(dense, n, model, ws);
        } else if (features instanceof SparseFeatures s) {
            int nnz = s.getIndices().size();
            int nValues = s.getValues().size();
            if (s.getSize() != dimension) {
                return new Violation(InvalidReason.DIMENSION_MISMATCH,
                        "sparse vector has size " + s.getSize() + ", the model expects " + dimension);
            }
            if (nnz > dimension || nValues > dimension) {
                return new Violation(InvalidReason.SPARSE_LENGTH_MISMATCH, "sparse vector has " + nnz
                        + " indices and " + nValues + " values, more than its size " + dimension);
            }
            ensureCapacity(Math.max(nnz, nValues));
            for (int i = 0; i < nnz; i++) {
                indices[i] = s.getIndices().get(i);
            }
            copy(s.getValues(), values, nValues);
            return assignSparse(s.getSize(), indices, nnz, values, nValues, model, ws);
        }
        return new Violation(InvalidReason.INCOMPATIBLE_SCHEMA, "features are neither dense nor sparse");
    }

    /**
     * Validates and assigns the vector {@code raw} has read (its size checked by {@link RawPredictionEvent} against
     * this dimension); as {@link #assign(PredictionEvent, GimeModel, Workspace)}.
     */
    Violation assign(RawPredictionEvent raw, GimeModel model, Workspace ws) {
        if (!raw.sparse) {
            if (raw.valueCount != dimension) {
                return new Violation(InvalidReason.DIMENSION_MISMATCH,
                        "dense vector has " + raw.valueCount + " values, the model expects " + dimension);
            }
            return assignDense(raw.values, raw.valueCount, model, ws);
        }
        if (raw.size != dimension) {
            return new Violation(InvalidReason.DIMENSION_MISMATCH,
                    "sparse vector has size " + raw.size + ", the model expects " + dimension);
        }
        return assignSparse(raw.size, raw.indices, raw.indexCount, raw.values, raw.valueCount, model, ws);
    }

    private Violation assignDense(float[] x, int n, GimeModel model, Workspace ws) {
        Violation v = VectorCheck.dense(x, n, dimension);
        if (v != null) {
            return v;
        }
        model.assignDense(x, ws);
        return nonZero(ws);
    }

    private Violation assignSparse(int size, int[] idx, int nnz, float[] x, int nValues, GimeModel model,
                                   Workspace ws) {
        Violation v = VectorCheck.sparse(size, idx, nnz, x, nValues, dimension);
        if (v != null) {
            return v;
        }
        model.assignSparse(idx, x, nnz, ws);
        return nonZero(ws);
    }

    private static Violation nonZero(Workspace ws) {
        if (ws.norm() == 0 || !Double.isFinite(ws.norm())) {
            return new Violation(InvalidReason.ZERO_VECTOR,
                    "the feature vector is zero after the bundle's scaler; its direction (and group) is undefined");
        }
        return null;
    }

    private void ensureCapacity(int n) {
        if (indices.length < n) {
            int size = Math.max(n, indices.length * 2);
            indices = new int[size];
            values = new float[size];
        }
    }

    private static void copy(List<Float> from, float[] to, int n) {
        if (from instanceof PrimitivesArrays.FloatArray fa) {
            for (int i = 0; i < n; i++) {
                to[i] = fa.getFloat(i);
            }
        } else {
            for (int i = 0; i < n; i++) {
                Float f = from.get(i);
                to[i] = f == null ? Float.NaN : f;
            }
        }
    }
}
