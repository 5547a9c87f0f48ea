package io.explainstream.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows of a data set, in file order (row i is the i-th data line after the header). Tabular files are CSV with
 * a header (comma- or semicolon-separated): when the header names the data set's target and feature columns they are
 * read by name (other columns are ignored; a missing value is NaN), else the last column is the target and a header
 * whose first cell is empty marks a pandas index column, which is dropped. Text files are TSV {@code label<TAB>text}.
 */
public record DataTable(Dataset dataset, List<float[]> features, List<String> texts, double[] targets) {

    public int size() {
        return targets.length;
    }

    /** Reads the data set's default copy from the classpath. */
    public static DataTable load(Dataset dataset) {
        return loadCopy(dataset, dataset.dataFile());
    }

    /** Whether the demo carries a copy of the data file named {@code fileName} for the data set. */
    public static boolean hasCopy(Dataset dataset, String fileName) {
        return DataTable.class.getResource("datasets/" + dataset.id() + "/" + fileName) != null;
    }

    /** Reads the demo's copy of the data file named {@code fileName} ({@code datasets/<id>/<fileName>}). */
    public static DataTable loadCopy(Dataset dataset, String fileName) {
        String resource = "datasets/" + dataset.id() + "/" + fileName;
        try (InputStream in = DataTable.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the data copy io/explainstream/demo/" + resource
                        + " is missing from the classpath");
            }
            return read(dataset, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a data file in the data set's format. */
    public static DataTable load(Dataset dataset, Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(dataset, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A column name compared without case, quotes, spaces or underscores ("model year" is "model_year"). */
    private static String normalized(String name) {
        return name.replace("\"", "").replace(" ", "").replace("_", "").trim().toLowerCase(java.util.Locale.ROOT);
    }

    /** A cell as a number; a missing value ({@code ?}, empty, {@code NA}) is NaN. */
    private static float number(String cell) {
        String v = cell.trim();
        return v.isEmpty() || v.equals("?") || v.equalsIgnoreCase("NA") ? Float.NaN : Float.parseFloat(v);
    }

    static DataTable read(Dataset dataset, InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = r.readLine();
        if (header == null) {
            throw new IllegalArgumentException("empty data file for " + dataset);
        }
        List<float[]> features = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Double> targets = new ArrayList<>();
        if (dataset.text()) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                int tab = line.indexOf('\t');
                targets.add(Double.parseDouble(line.substring(0, tab)));
                texts.add(line.substring(tab + 1));
            }
        } else {
            String sep = header.contains(";") ? ";" : ",";
            List<String> names = new ArrayList<>();
            for (String h : header.split(sep, -1)) {
                names.add(normalized(h));
            }
            int targetColumn = names.indexOf(normalized(dataset.target()));
            int[] featureColumns = dataset.featureNames().stream().mapToInt(n -> names.indexOf(normalized(n)))
                    .toArray();
            boolean byName = targetColumn >= 0 && java.util.Arrays.stream(featureColumns).allMatch(c -> c >= 0);
            boolean indexColumn = header.startsWith(sep);
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(sep, -1);
                if (byName) {
                    float[] x = new float[featureColumns.length];
                    for (int j = 0; j < x.length; j++) {
                        x[j] = number(cells[featureColumns[j]]);
                    }
                    features.add(x);
                    targets.add((double) number(cells[targetColumn]));
                    continue;
                }
                int first = indexColumn ? 1 : 0;
                float[] x = new float[cells.length - first - 1];
                for (int j = 0; j < x.length; j++) {
                    x[j] = Float.parseFloat(cells[first + j].trim());
                }
                features.add(x);
                targets.add(Double.parseDouble(cells[cells.length - 1].trim()));
            }
        }
        double[] y = targets.stream().mapToDouble(Double::doubleValue).toArray();
        return new DataTable(dataset, features, texts, y);
    }
}
