package io.explainstream.trainer;

import io.explainstream.trainer.blackbox.BlackBox;
import io.explainstream.trainer.blackbox.MlpBlackBox;
import io.explainstream.trainer.blackbox.TribuoBlackBoxes;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.Prepared;
import io.explainstream.trainer.data.Rows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes the black box file {@code blackbox.onnx} in a folder: trained here ({@code svr} and {@code logreg} with
 * Tribuo, {@code mlp} with {@link MlpBlackBox}, for regression or classification), or a copy of the user's.
 */
final class BlackBoxes {
    static final String FILE = "blackbox.onnx";

    private BlackBoxes() {
    }

    /** Result: the ONNX file, the output to read, the column, and provenance. */
    record Made(Path file, String output, int column, Map<String, Object> provenance) {
    }

    static Made make(String spec, String outputSel, String explainedClass, Prepared prep, long seed, Path dir) {
        Path target = dir.resolve(FILE);
        Map<String, Object> prov = new LinkedHashMap<>();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new DataException("cannot create " + dir + ": " + e.getMessage());
        }
        String cls = explainedClass;
        if (prep.data.classification() && cls == null) {
            cls = prep.data.classLabels().get(prep.data.classLabels().size() - 1);
        }
        if (cls != null && !prep.data.classLabels().contains(cls)) {
            throw new DataException("--class '" + cls + "' is not a label of " + prep.data.source() + " (labels: "
                    + prep.data.classLabels() + ")");
        }
        switch (spec) {
            case "svr" -> {
                if (prep.data.classification()) {
                    throw new DataException("--black-box svr is for regression; " + prep.data.source()
                            + " is a classification data set (use logreg)");
                }
                int[] tr = prep.split.train();
                Rows x = prep.scaled.select(tr);
                double[] y = new double[tr.length];
                for (int i = 0; i < tr.length; i++) {
                    y[i] = prep.target.toZ(prep.data.y()[tr[i]]);
                }
                TribuoBlackBoxes.Trained t = TribuoBlackBoxes.svr(x, y, prep.center, prep.scale,
                        prep.target.mean(), prep.target.scale(), seed);
                t.write(target);
                prov.put("kind", "svr");
                prov.putAll(t.params());
                return new Made(target, TribuoBlackBoxes.OUTPUT, 0, prov);
            }
            case "logreg" -> {
                if (!prep.data.classification()) {
                    throw new DataException("--black-box logreg is for classification; " + prep.data.source()
                            + " has a numeric target (use svr)");
                }
                int[] tr = prep.split.train();
                int[] labels = new int[tr.length];
                for (int i = 0; i < tr.length; i++) {
                    labels[i] = (int) prep.data.y()[tr[i]];
                }
                TribuoBlackBoxes.Trained t = TribuoBlackBoxes.logreg(prep.scaled.select(tr), labels,
                        prep.data.classLabels(), cls, seed);
                t.write(target);
                prov.put("kind", "logreg");
                prov.putAll(t.params());
                prov.put("explained_class", cls);
                return new Made(target, TribuoBlackBoxes.OUTPUT, t.classColumn(), prov);
            }
            case "mlp" -> {
                boolean classify = prep.data.classification();
                int[] tr = prep.split.train();
                int[] va = prep.split.validation();
                int classes = classify ? prep.data.classLabels().size() : 0;
                MlpBlackBox.Net net = MlpBlackBox.train(prep.scaled.select(tr), targets(prep, tr, classify),
                        prep.scaled.select(va), targets(prep, va, classify), classes, seed);
                TribuoBlackBoxes.Trained t = new TribuoBlackBoxes.Trained(null, "mlp", net.params(),
                        net.toOnnx(prep.center, prep.scale, prep.target.mean(), prep.target.scale()),
                        classify ? prep.data.classLabels().indexOf(cls) : 0);
                t.write(target);
                prov.put("kind", "mlp");
                prov.putAll(t.params());
                if (classify) {
                    prov.put("explained_class", cls);
                }
                return new Made(target, TribuoBlackBoxes.OUTPUT, t.classColumn(), prov);
            }
            default -> {
                Path src = Path.of(spec);
                if (!spec.endsWith(".onnx") || !Files.isRegularFile(src)) {
                    throw new DataException("--black-box '" + spec + "' is neither svr, logreg, mlp nor an existing "
                            + ".onnx file");
                }
                try {
                    Files.copy(src, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new DataException("cannot copy " + src + " to " + target + ": " + e.getMessage());
                }
                int column = cls == null ? 0 : prep.data.classLabels().indexOf(cls);
                prov.put("kind", "onnx");
                prov.put("source", src.toAbsolutePath().toString());
                prov.put("sha256", Prepared.sha256(src));
                if (cls != null) {
                    prov.put("explained_class", cls);
                }
                return new Made(target, outputSel, column, prov);
            }
        }
    }

    /** Training targets of the rows: the label index (classification) or the z-scored target. */
    private static double[] targets(Prepared prep, int[] rows, boolean classify) {
        double[] y = new double[rows.length];
        for (int i = 0; i < rows.length; i++) {
            double v = prep.data.y()[rows[i]];
            y[i] = classify ? v : prep.target.toZ(v);
        }
        return y;
    }

    static BlackBox open(Made made, int d) {
        return BlackBox.open(made.file(), made.output(), made.column(), d);
    }
}
