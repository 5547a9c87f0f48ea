package io.explainstream.validation;

/** Structural checks of a feature vector against the bundle's dimension; null means the vector is valid. */
public final class VectorCheck {
    private VectorCheck() {
    }

    public static Violation dense(float[] values, int length, int dimension) {
        if (length != dimension) {
            return new Violation(InvalidReason.DIMENSION_MISMATCH,
                    "dense vector has " + length + " values, the model expects " + dimension);
        }
        for (int j = 0; j < length; j++) {
            if (!Float.isFinite(values[j])) {
                return new Violation(InvalidReason.NON_FINITE_VALUE, "feature " + j + " is " + values[j]);
            }
        }
        return null;
    }

    public static Violation sparse(int size, int[] indices, int indexCount, float[] values, int valueCount,
                                   int dimension) {
        if (size != dimension) {
            return new Violation(InvalidReason.DIMENSION_MISMATCH,
                    "sparse vector has size " + size + ", the model expects " + dimension);
        }
        if (indexCount != valueCount) {
            return new Violation(InvalidReason.SPARSE_LENGTH_MISMATCH,
                    "sparse vector has " + indexCount + " indices but " + valueCount + " values");
        }
        int previous = -1;
        for (int i = 0; i < indexCount; i++) {
            int j = indices[i];
            if (j < 0 || j >= dimension) {
                return new Violation(InvalidReason.SPARSE_INDEX_OUT_OF_RANGE,
                        "sparse index " + j + " at position " + i + " is outside [0, " + dimension + ")");
            }
            if (j == previous) {
                return new Violation(InvalidReason.SPARSE_INDEX_DUPLICATE,
                        "sparse index " + j + " appears twice (positions " + (i - 1) + " and " + i + ")");
            }
            if (j < previous) {
                return new Violation(InvalidReason.SPARSE_INDICES_UNSORTED,
                        "sparse index " + j + " at position " + i + " follows " + previous
                                + "; indices must be strictly increasing");
            }
            if (!Float.isFinite(values[i])) {
                return new Violation(InvalidReason.NON_FINITE_VALUE, "feature " + j + " is " + values[i]);
            }
            previous = j;
        }
        return null;
    }
}
