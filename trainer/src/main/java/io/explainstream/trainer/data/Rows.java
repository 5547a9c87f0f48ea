package io.explainstream.trainer.data;

import java.util.Arrays;

/** An immutable row-major sparse matrix (CSR). Dense tabular data is stored with every column present. */
public final class Rows {
    public final int n;
    public final int d;
    public final int[] ptr;
    public final int[] col;
    public final double[] val;

    public Rows(int d, int[] ptr, int[] col, double[] val) {
        this.n = ptr.length - 1;
        this.d = d;
        this.ptr = ptr;
        this.col = col;
        this.val = val;
    }

    public static Rows dense(double[][] x, int d) {
        int n = x.length;
        int[] ptr = new int[n + 1];
        int[] col = new int[n * d];
        double[] val = new double[n * d];
        for (int i = 0; i < n; i++) {
            ptr[i + 1] = (i + 1) * d;
            for (int j = 0; j < d; j++) {
                col[i * d + j] = j;
                val[i * d + j] = x[i][j];
            }
        }
        return new Rows(d, ptr, col, val);
    }

    public int nnz(int i) {
        return ptr[i + 1] - ptr[i];
    }

    public double dot(int i, double[] w) {
        double s = 0;
        for (int p = ptr[i]; p < ptr[i + 1]; p++) {
            s += val[p] * w[col[p]];
        }
        return s;
    }

    public double norm(int i) {
        double s = 0;
        for (int p = ptr[i]; p < ptr[i + 1]; p++) {
            s += val[p] * val[p];
        }
        return Math.sqrt(s);
    }

    public double[] denseRow(int i) {
        double[] r = new double[d];
        for (int p = ptr[i]; p < ptr[i + 1]; p++) {
            r[col[p]] = val[p];
        }
        return r;
    }

    /** Value of row i at column j (binary search; columns are sorted). */
    public double get(int i, int j) {
        int k = Arrays.binarySearch(col, ptr[i], ptr[i + 1], j);
        return k >= 0 ? val[k] : 0.0;
    }

    /** The rows at the given positions, in order. */
    public Rows select(int[] rows) {
        int[] p = new int[rows.length + 1];
        for (int r = 0; r < rows.length; r++) {
            p[r + 1] = p[r] + nnz(rows[r]);
        }
        int[] c = new int[p[rows.length]];
        double[] v = new double[p[rows.length]];
        for (int r = 0; r < rows.length; r++) {
            int i = rows[r];
            System.arraycopy(col, ptr[i], c, p[r], nnz(i));
            System.arraycopy(val, ptr[i], v, p[r], nnz(i));
        }
        return new Rows(d, p, c, v);
    }

    /** Dense float copy of rows [from, to) into {@code out} (length ≥ (to-from)·d), zero-filled first. */
    public void toDenseFloat(int from, int to, float[] out) {
        Arrays.fill(out, 0, (to - from) * d, 0f);
        for (int i = from; i < to; i++) {
            int base = (i - from) * d;
            for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                out[base + col[p]] = (float) val[p];
            }
        }
    }

    /** Applies x' = (x - center) / scale (center may be null) to every stored value; keeps the sparsity. */
    public Rows affine(double[] center, double[] scale, boolean inverse) {
        double[] v = new double[val.length];
        for (int i = 0; i < n; i++) {
            for (int p = ptr[i]; p < ptr[i + 1]; p++) {
                int j = col[p];
                double c = center == null ? 0 : center[j];
                v[p] = inverse ? val[p] * scale[j] + c : (val[p] - c) / scale[j];
            }
        }
        return new Rows(d, ptr, col, v);
    }

    /** Incremental builder of sparse rows. */
    public static final class Builder {
        private final int d;
        private int[] ptr = new int[1024];
        private int[] col = new int[4096];
        private double[] val = new double[4096];
        private int rows;

        public Builder(int d) {
            this.d = d;
        }

        /** Adds a row from sorted column indices and values (the first {@code len}). */
        public void add(int[] c, double[] v, int len) {
            int start = ptr[rows];
            if (start + len > col.length) {
                int cap = Math.max(col.length * 2, start + len);
                col = Arrays.copyOf(col, cap);
                val = Arrays.copyOf(val, cap);
            }
            System.arraycopy(c, 0, col, start, len);
            System.arraycopy(v, 0, val, start, len);
            if (rows + 2 > ptr.length) {
                ptr = Arrays.copyOf(ptr, ptr.length * 2);
            }
            ptr[rows + 1] = start + len;
            rows++;
        }

        public Rows build() {
            int nnz = ptr[rows];
            return new Rows(d, Arrays.copyOf(ptr, rows + 1), Arrays.copyOf(col, nnz), Arrays.copyOf(val, nnz));
        }
    }
}
