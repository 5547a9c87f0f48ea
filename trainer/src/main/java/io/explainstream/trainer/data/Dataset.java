package io.explainstream.trainer.data;

import io.explainstream.bundle.FeatureKind;

import java.util.List;

/**
 * Loaded data: raw feature rows (tabular values, or word counts over the vocabulary for text), the target
 * (a real value, or a class index into {@code classLabels}), and what was dropped on the way. {@code sourceRows[i]}
 * is row i's position among the file's data rows (0-based, blank lines skipped), so consumers of the same file can
 * find the split's rows.
 */
public record Dataset(String source, FeatureKind kind, List<String> names, Rows x, double[] y,
                      List<String> classLabels, int rowsDropped, List<String> warnings, int[] sourceRows) {
    public int size() {
        return x.n;
    }

    public int dimension() {
        return names.size();
    }

    public boolean classification() {
        return classLabels != null;
    }
}
