package io.explainstream.trainer.blackbox;

import ai.onnx.proto.OnnxMl;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.Rows;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.ONNXExportable;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.SVMParameters;
import org.tribuo.datasource.ListDataSource;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.libsvm.LibSVMRegressionTrainer;
import org.tribuo.regression.libsvm.SVMRegressionType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Black boxes trained here with Tribuo and exported to ONNX through {@link ONNXExportable}. The exported graph
 * is wrapped so that it takes raw features (input {@code features}) and returns f on the data's own scale
 * (output {@code prediction}): the SVR is trained on z-scored features and target, like the paper's.
 */
public final class TribuoBlackBoxes {
    public static final String INPUT = "features";
    public static final String OUTPUT = "prediction";

    private TribuoBlackBoxes() {
    }

    /** A trained black box: the Tribuo model (for parity checks), its hyperparameters, the ONNX graph. */
    public record Trained(Model<?> model, String kind, Map<String, Object> params, OnnxMl.ModelProto onnx,
                          int classColumn) {
        public void write(Path file) {
            try (OutputStream out = Files.newOutputStream(file)) {
                onnx.writeTo(out);
            } catch (IOException e) {
                throw new DataException("cannot write " + file + ": " + e.getMessage());
            }
        }
    }

    /** Tribuo feature names sort lexicographically; zero-padded indices keep the column order. */
    public static String featureName(int j) {
        return String.format("f%07d", j);
    }

    private static String[] names(int d) {
        String[] n = new String[d];
        for (int j = 0; j < d; j++) {
            n[j] = featureName(j);
        }
        return n;
    }

    /** Example of the given row of scaled features. */
    public static <T extends org.tribuo.Output<T>> Example<T> example(Rows x, int i, T out, String[] names) {
        int nnz = x.nnz(i);
        String[] fn = new String[nnz];
        double[] fv = new double[nnz];
        for (int p = 0; p < nnz; p++) {
            fn[p] = names[x.col[x.ptr[i] + p]];
            fv[p] = x.val[x.ptr[i] + p];
        }
        return new ArrayExample<>(out, fn, fv);
    }

    /** epsilon-SVR with an RBF kernel on z-scored features and target (gamma = 1/d, C = 1, epsilon = 0.1). */
    public static Trained svr(Rows xz, double[] yz, double[] center, double[] scale, double yMean, double yScale,
                              long seed) {
        int d = xz.d;
        String[] names = names(d);
        RegressionFactory f = new RegressionFactory();
        List<Example<Regressor>> ex = new ArrayList<>();
        for (int i = 0; i < xz.n; i++) {
            ex.add(example(xz, i, new Regressor("y", yz[i]), names));
        }
        MutableDataset<Regressor> ds = new MutableDataset<>(new ListDataSource<>(ex,
                f, new SimpleDataSourceProvenance("explainstream-train", f)));
        SVMParameters<Regressor> p = new SVMParameters<>(new SVMRegressionType(SVMRegressionType.SVMMode.EPSILON_SVR),
                KernelType.RBF);
        double gamma = 1.0 / d;
        p.setGamma(gamma);
        p.setCost(1.0);
        p.setEpsilon(0.1);
        LibSVMRegressionTrainer trainer = new LibSVMRegressionTrainer(p, false, seed);
        Model<Regressor> model = trainer.train(ds);
        checkDimension(model, d);
        OnnxMl.ModelProto onnx = ((ONNXExportable) model).exportONNXModel("io.explainstream.trainer", 1);
        onnx = wrap(onnx, center, scale, yMean, yScale);
        return new Trained(model, "svr", Map.of("kernel", "rbf", "gamma", gamma, "C", 1.0, "epsilon", 0.1,
                "library", "tribuo-regression-libsvm 4.3.2"), onnx, 0);
    }

    /** Multinomial logistic regression (Tribuo LinearSGD, log loss, AdaGrad) on word-presence features. */
    public static Trained logreg(Rows x, int[] labels, List<String> classLabels, String explainedClass, long seed) {
        int d = x.d;
        String[] names = names(d);
        LabelFactory f = new LabelFactory();
        List<Example<Label>> ex = new ArrayList<>();
        for (int i = 0; i < x.n; i++) {
            if (x.nnz(i) == 0) {
                continue; // no vocabulary word: nothing to learn from (Tribuo refuses empty examples)
            }
            ex.add(example(x, i, new Label(classLabels.get(labels[i])), names));
        }
        MutableDataset<Label> ds = new MutableDataset<>(new ListDataSource<>(ex, f,
                new SimpleDataSourceProvenance("explainstream-train", f)));
        int epochs = 10;
        LinearSGDTrainer trainer = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.5, 0.1), epochs,
                x.n + 1, 1, seed);
        Model<Label> model = trainer.train(ds);
        checkDimension(model, d);
        ImmutableOutputInfo<Label> info = model.getOutputIDInfo();
        int column = info.getID(new Label(explainedClass));
        if (column < 0) {
            throw new DataException("the explained class '" + explainedClass + "' is not among the labels "
                    + classLabels);
        }
        OnnxMl.ModelProto onnx = ((ONNXExportable) model).exportONNXModel("io.explainstream.trainer", 1);
        onnx = wrap(onnx, null, null, 0, 1);
        return new Trained(model, "logreg", Map.of("loss", "log", "optimiser", "AdaGrad(0.5, 0.1)", "epochs", epochs,
                "library", "tribuo-classification-sgd 4.3.2"), onnx, column);
    }

    private static void checkDimension(Model<?> model, int d) {
        if (model.getFeatureIDMap().size() != d) {
            throw new DataException("the black box saw " + model.getFeatureIDMap().size() + " of the " + d
                    + " features in training (a feature is always zero?)");
        }
    }

    /**
     * Wraps an exported graph: raw input {@code features} → (x − center)/scale → the model → f·yScale + yMean →
     * {@code prediction}. Null center/scale leaves the input as is.
     */
    public static OnnxMl.ModelProto wrap(OnnxMl.ModelProto m, double[] center, double[] scale, double yMean,
                                         double yScale) {
        OnnxMl.GraphProto g = m.getGraph();
        String in = g.getInput(0).getName();
        String out = g.getOutput(0).getName();
        OnnxMl.GraphProto.Builder gb = g.toBuilder();
        List<OnnxMl.NodeProto> nodes = new ArrayList<>();
        gb.setInput(0, g.getInput(0).toBuilder().setName(INPUT).build());
        if (center != null) {
            gb.addInitializer(tensor("es_center", center));
            gb.addInitializer(tensor("es_scale", scale));
            nodes.add(node("Sub", "es_sub", List.of(INPUT, "es_center"), "es_centered"));
            nodes.add(node("Div", "es_div", List.of("es_centered", "es_scale"), in));
        } else {
            nodes.add(node("Identity", "es_in", List.of(INPUT), in));
        }
        nodes.addAll(g.getNodeList());
        gb.addInitializer(tensor("es_ymean", new double[]{yMean}));
        gb.addInitializer(tensor("es_yscale", new double[]{yScale}));
        nodes.add(node("Mul", "es_mul", List.of(out, "es_yscale"), "es_scaled_out"));
        nodes.add(node("Add", "es_add", List.of("es_scaled_out", "es_ymean"), OUTPUT));
        gb.clearNode().addAllNode(nodes);
        gb.setOutput(0, g.getOutput(0).toBuilder().setName(OUTPUT).build());
        return m.toBuilder().setGraph(gb).build();
    }

    private static OnnxMl.NodeProto node(String op, String name, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
                .build();
    }

    private static OnnxMl.TensorProto tensor(String name, double[] v) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).addDims(v.length);
        for (double x : v) {
            b.addFloatData((float) x);
        }
        return b.build();
    }
}
