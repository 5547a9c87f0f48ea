package io.explainstream.demo;

import io.explainstream.bundle.FeatureKind;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The events the demo produces: the rows of the bundle's test split ({@code provenance.testRows}, row numbers in the
 * data file, 0-based, header excluded), each with the black box's prediction, computed once at start.
 */
final class DemoRows {
    /** One test row: raw features (dense, or sparse for text), its text, and f(x). */
    record Row(int rowNumber, float[] dense, TextFeatures.Sparse sparse, String text, BlackBox.Output prediction) {
    }

    private DemoRows() {
    }

    static List<Row> build(LoadedBundle bundle, DataTable table, List<String> warnings) {
        ModelBundle model = bundle.model();
        List<Integer> test = testRows(model.provenance(), table.size(), warnings);
        List<Row> rows = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        boolean text = model.features().kind() == FeatureKind.TEXT;
        TextFeatures enc = text ? new TextFeatures(model.features().names()) : null;
        int skipped = 0;
        for (int i : test) {
            if (text) {
                TextFeatures.Sparse s = enc.encode(table.texts().get(i));
                if (s.indices().length == 0) {
                    skipped++;
                    continue;
                }
                rows.add(new Row(i, null, s, table.texts().get(i), null));
                inputs.add(s.dense());
            } else {
                float[] x = table.features().get(i);
                if (x.length != model.dimension()) {
                    throw new IllegalStateException("data row " + i + " has " + x.length + " features, the bundle "
                            + model.dimension());
                }
                rows.add(new Row(i, x, null, null, null));
                inputs.add(x);
            }
        }
        if (skipped > 0) {
            warnings.add(skipped + " test sentences have no word of the bundle's vocabulary and are not sent");
        }
        List<Row> out = new ArrayList<>(rows.size());
        try (BlackBox box = new BlackBox(bundle)) {
            for (int from = 0; from < rows.size(); from += 512) {
                int to = Math.min(rows.size(), from + 512);
                List<BlackBox.Output> preds = box.predict(inputs.subList(from, to));
                for (int r = from; r < to; r++) {
                    Row row = rows.get(r);
                    out.add(new Row(row.rowNumber(), row.dense(), row.sparse(), row.text(), preds.get(r - from)));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no test rows to send");
        }
        return out;
    }

    static List<Integer> testRows(Map<String, Object> provenance, int size, List<String> warnings) {
        Object t = provenance == null ? null : provenance.get("testRows");
        List<Integer> rows = new ArrayList<>();
        if (t instanceof List<?> list) {
            for (Object o : list) {
                int i = ((Number) o).intValue();
                if (i < 0 || i >= size) {
                    throw new IllegalStateException("provenance.testRows has row " + i + ", the data has " + size
                            + " rows");
                }
                rows.add(i);
            }
        } else if (t instanceof int[] a) {
            for (int i : a) {
                rows.add(i);
            }
        } else {
            warnings.add("the bundle's provenance has no testRows; sending every row of the data set");
            for (int i = 0; i < size; i++) {
                rows.add(i);
            }
        }
        return rows;
    }
}
