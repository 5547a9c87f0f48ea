package io.explainstream.trainer.data;

import io.explainstream.bundle.FeatureKind;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a tabular CSV with a header. Missing values are {@code ?}, empty and {@code NA}: a column missing in more
 * than {@link #MOSTLY_MISSING} of the rows is dropped with a warning, other rows with a missing value are dropped
 * and counted. A non-numeric column that is not dropped is an error naming the file, line and column.
 */
public final class CsvLoader {
    public static final double MOSTLY_MISSING = 0.5;

    private CsvLoader() {
    }

    public static boolean missing(String v) {
        return v.isEmpty() || v.equals("?") || v.equalsIgnoreCase("NA") || v.equalsIgnoreCase("NaN");
    }

    public static Dataset load(Path file, char delimiter, String target, List<String> drop) {
        String name = file.getFileName().toString();
        List<String[]> rows = new ArrayList<>();
        List<Integer> lines = new ArrayList<>();
        String[] header;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line = r.readLine();
            if (line == null) {
                throw new DataException(name + ": the file is empty (expected a header line)");
            }
            header = split(stripBom(line), delimiter, name, 1);
            for (int h = 0; h < header.length; h++) {
                header[h] = header[h].trim();
            }
            int ln = 1;
            while ((line = r.readLine()) != null) {
                ln++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = split(line, delimiter, name, ln);
                if (f.length != header.length) {
                    throw new DataException(name + ": line " + ln + " has " + f.length + " fields, the header has "
                            + header.length + (f.length == 1 && header.length > 1
                            ? " (is the delimiter right? --delimiter '" + delimiter + "')" : ""));
                }
                rows.add(f);
                lines.add(ln);
            }
        } catch (IOException e) {
            throw new DataException(name + ": cannot read " + file + ": " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw new DataException(name + ": no data rows after the header");
        }
        Set<String> cols = new LinkedHashSet<>(List.of(header));
        if (cols.size() != header.length) {
            throw new DataException(name + ": line 1: the header has duplicate column names");
        }
        int t = indexOf(header, target);
        if (t < 0) {
            throw new DataException(name + ": --target '" + target + "' is not a column (columns: "
                    + String.join(", ", header) + ")");
        }
        Set<Integer> dropped = new HashSet<>();
        for (String dcol : drop) {
            int di = indexOf(header, dcol);
            if (di < 0) {
                throw new DataException(name + ": --drop '" + dcol + "' is not a column (columns: "
                        + String.join(", ", header) + ")");
            }
            if (di == t) {
                throw new DataException(name + ": --drop '" + dcol + "' is the target column");
            }
            dropped.add(di);
        }
        List<String> warnings = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            if (dropped.contains(c) || c == t) {
                continue;
            }
            int miss = 0;
            for (String[] row : rows) {
                if (missing(row[c].trim())) {
                    miss++;
                }
            }
            if (miss > MOSTLY_MISSING * rows.size()) {
                dropped.add(c);
                warnings.add(name + ": column '" + header[c] + "' is missing in " + miss + " of " + rows.size()
                        + " rows; dropped");
            }
        }
        List<Integer> keep = new ArrayList<>();
        for (int c = 0; c < header.length; c++) {
            if (!dropped.contains(c) && c != t) {
                keep.add(c);
            }
        }
        if (keep.isEmpty()) {
            throw new DataException(name + ": no feature columns left besides the target '" + target + "'");
        }
        // Non-numeric columns: a clear error naming the first offending cell.
        for (int c : keep) {
            checkNumeric(name, header[c], c, rows, lines, true);
        }
        checkNumeric(name, header[t], t, rows, lines, false);
        List<double[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        int droppedRows = 0;
        List<Integer> kept = new ArrayList<>();
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            String yv = row[t].trim();
            boolean bad = missing(yv);
            double[] x = new double[keep.size()];
            for (int j = 0; j < keep.size() && !bad; j++) {
                String v = row[keep.get(j)].trim();
                if (missing(v)) {
                    bad = true;
                } else {
                    x[j] = Double.parseDouble(v);
                }
            }
            if (bad) {
                droppedRows++;
                continue;
            }
            xs.add(x);
            ys.add(Double.parseDouble(yv));
            kept.add(r);
        }
        if (droppedRows > 0) {
            warnings.add(name + ": " + droppedRows + " rows with a missing value dropped");
        }
        if (xs.size() < 20) {
            throw new DataException(name + ": only " + xs.size() + " complete rows; at least 20 are needed");
        }
        List<String> names = new ArrayList<>();
        for (int c : keep) {
            names.add(header[c]);
        }
        double[] y = new double[ys.size()];
        for (int i = 0; i < y.length; i++) {
            y[i] = ys.get(i);
        }
        return new Dataset(name, FeatureKind.TABULAR, List.copyOf(names),
                Rows.dense(xs.toArray(new double[0][]), names.size()), y, null, droppedRows, warnings,
                kept.stream().mapToInt(Integer::intValue).toArray());
    }

    private static void checkNumeric(String file, String col, int c, List<String[]> rows, List<Integer> lines,
                                     boolean feature) {
        for (int i = 0; i < rows.size(); i++) {
            String v = rows.get(i)[c].trim();
            if (missing(v)) {
                continue;
            }
            boolean ok;
            try {
                ok = Double.isFinite(Double.parseDouble(v));
            } catch (NumberFormatException e) {
                ok = false;
            }
            if (!ok) {
                throw new DataException(file + ": column '" + col + "' is not numeric (line " + lines.get(i) + ": '"
                        + v + "')" + (feature ? "; drop it with --drop " + col : "; the target must be numeric"));
            }
        }
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String stripBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    /** Splits a line on the delimiter, honouring double quotes ("" inside quotes is a quote). */
    static String[] split(String line, char delim, String file, int ln) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == delim) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(ch);
            }
        }
        if (quoted) {
            throw new DataException(file + ": line " + ln + " has an unterminated quote");
        }
        out.add(cur.toString());
        return out.toArray(new String[0]);
    }
}
