package io.explainstream.testkit;

import ai.onnx.proto.OnnxMl;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.explain.LabelDecoder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Small ONNX models for tests, built with the ONNX protobuf classes (from tribuo-onnx's dependencies) — no Python.
 *
 * <p>The linear explainer: inputs {@code x} float[N, d] and {@code y} float[N, 1]; output
 * {@code scores = (x * w) * y} (two broadcast Muls, w an initializer of shape [d]). With labels, also
 * {@code label_logits[n, j, k] = slope[k] * scores[n, j] + bias[k]} (Unsqueeze to [N, d, 1], broadcast Mul and Add
 * with [5] constants), slope = {-2, -1, 0, 1, 2}, bias = {-3, -1, 0, -1, -3}. Its argmax, in {@link Label} order, is
 * {@link #expectedLabel(float)}: s ≤ -2 HIGH_NEGATIVE, ≤ -1 LOW_NEGATIVE, ≤ 1 NEUTRAL, ≤ 2 LOW_POSITIVE, else
 * HIGH_POSITIVE (ties at exactly ±1, ±2 go to the earlier label; keep test scores away from them).
 *
 * <p>The present-layout linear explainer ({@link L2eSpec} with {@code inputIndices}): inputs {@code x} float[N, L]
 * (the present features' values), {@code idx} int64[N, L] (their ids) and {@code y} float[N, 1]; output
 * {@code scores[n, s] = (x[n, s] * w[idx[n, s]]) * y[n]} (Gather of w), the same scores as the dense linear explainer
 * at the present features, and with labels {@code label_logits} float[N, L, 5] from them as above.
 *
 * <p>IR version 8, default-domain opset 13; batch dimension symbolic ("N"), slot dimension symbolic ("L").
 */
public final class TestOnnxModels {
    public static final String VERSION = "test-linear-1";
    public static final String FEATURES = "x";
    public static final String PREDICTION = "y";
    public static final String SCORES = "scores";
    public static final String LABEL_LOGITS = "label_logits";
    public static final String INDICES = "idx";
    public static final long IR_VERSION = 8;
    public static final long OPSET = 13;

    /** Label head constants (see class doc). */
    static final float[] LABEL_SLOPE = {-2f, -1f, 0f, 1f, 2f};
    static final float[] LABEL_BIAS = {-3f, -1f, 0f, -1f, -3f};

    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = OnnxMl.TensorProto.DataType.INT64.getNumber();

    private TestOnnxModels() {
    }

    /** The linear explainer (see class doc) with the standard names x, y, scores, label_logits. */
    public static byte[] linearExplainer(int dimension, float[] weights, boolean withLabels) {
        return linearExplainer(dimension, weights, withLabels, FEATURES, PREDICTION, SCORES, LABEL_LOGITS, -1);
    }

    /**
     * The linear explainer with chosen names and batch size.
     *
     * @param dimension input width d of x (and of w, scores)
     * @param batch     a fixed batch dimension, or ≤ 0 for the symbolic "N"
     */
    public static byte[] linearExplainer(int dimension, float[] weights, boolean withLabels, String featuresName,
                                         String predictionName, String scoresName, String labelsName, long batch) {
        if (weights.length != dimension) {
            throw new IllegalArgumentException("weights has " + weights.length + " values, dimension is " + dimension);
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("l2e_test_linear");
        g.addInput(valueInfo(featuresName, batch, dimension));
        g.addInput(valueInfo(predictionName, batch, 1));
        g.addInitializer(floatTensor("w", weights, dimension));
        g.addNode(node("Mul", "mul_w", List.of(featuresName, "w"), "xw"));
        g.addNode(node("Mul", "mul_y", List.of("xw", predictionName), scoresName));
        g.addOutput(valueInfo(scoresName, batch, dimension));
        if (withLabels) {
            addLabelHead(g, scoresName, labelsName);
            g.addOutput(valueInfo(labelsName, batch, dimension, Label.values().length));
        }
        return model(g);
    }

    /** labels[..., k] = slope[k] * scores[...] + bias[k] (see class doc). */
    private static void addLabelHead(OnnxMl.GraphProto.Builder g, String scoresName, String labelsName) {
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("axes").setDataType(INT64).addDims(1)
                .addInt64Data(2).build());
        g.addInitializer(floatTensor("slope", LABEL_SLOPE, LABEL_SLOPE.length));
        g.addInitializer(floatTensor("bias", LABEL_BIAS, LABEL_BIAS.length));
        g.addNode(node("Unsqueeze", "unsqueeze", List.of(scoresName, "axes"), "s3"));
        g.addNode(node("Mul", "mul_slope", List.of("s3", "slope"), "s_slope"));
        g.addNode(node("Add", "add_bias", List.of("s_slope", "bias"), labelsName));
    }

    /**
     * The present-layout linear explainer (see class doc) with the standard names x, idx, y, scores, label_logits.
     *
     * @param slots a fixed slot dimension L for x and idx (a model that does not follow the layout, for negative
     *              tests), or ≤ 0 for the symbolic "L"
     */
    public static byte[] presentLinearExplainer(int dimension, float[] weights, boolean withLabels, long slots) {
        if (weights.length != dimension) {
            throw new IllegalArgumentException("weights has " + weights.length + " values, dimension is " + dimension);
        }
        OnnxMl.TensorShapeProto.Dimension.Builder l = slots > 0
                ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(slots)
                : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("L");
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("l2e_test_present_linear");
        g.addInput(valueInfo(FEATURES, FLOAT, symbol("N"), l));
        g.addInput(valueInfo(INDICES, INT64, symbol("N"), l));
        g.addInput(valueInfo(PREDICTION, FLOAT, symbol("N"), fixed(1)));
        g.addInitializer(floatTensor("w", weights, dimension));
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName("gather_w").addInput("w")
                .addInput(INDICES).addOutput("w_at").build());
        g.addNode(node("Mul", "mul_w", List.of(FEATURES, "w_at"), "xw"));
        g.addNode(node("Mul", "mul_y", List.of("xw", PREDICTION), SCORES));
        g.addOutput(valueInfo(SCORES, FLOAT, symbol("N"), l));
        if (withLabels) {
            addLabelHead(g, SCORES, LABEL_LOGITS);
            g.addOutput(valueInfo(LABEL_LOGITS, FLOAT, symbol("N"), l, fixed(Label.values().length)));
        }
        return model(g);
    }

    /** Writes {@link #presentLinearExplainer} with a symbolic L to {@code file} and returns it. */
    public static Path writePresentLinearExplainer(Path file, int d, float[] w, boolean withLabels) {
        return write(file, presentLinearExplainer(d, w, withLabels, -1));
    }

    /** The spec matching the present-layout linear explainer (inputIndices "idx"). */
    public static L2eSpec presentSpec(String file, boolean withLabels) {
        return new L2eSpec(file, VERSION, "none", FEATURES, PREDICTION, SCORES, withLabels ? LABEL_LOGITS : null,
                INDICES);
    }

    /** A linear explainer whose input x is one feature wider than {@code bundleDimension} (negative tests). */
    public static byte[] wrongWidthExplainer(int bundleDimension, boolean withLabels) {
        int width = bundleDimension + 1;
        return linearExplainer(width, ones(width), withLabels);
    }

    /** Writes {@link #linearExplainer(int, float[], boolean)} to {@code file} (parents created) and returns it. */
    public static Path writeLinearExplainer(Path file, int d, float[] w, boolean withLabels) {
        return write(file, linearExplainer(d, w, withLabels));
    }

    /** Writes {@link #wrongWidthExplainer(int, boolean)} to {@code file}. */
    public static Path writeWrongWidthExplainer(Path file, int bundleDimension, boolean withLabels) {
        return write(file, wrongWidthExplainer(bundleDimension, withLabels));
    }

    /** Writes bytes to a file, creating parent folders. */
    public static Path write(Path file, byte[] bytes) {
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The spec matching the linear explainer (version "test-linear-1", teacher "none"). */
    public static L2eSpec spec(String file, boolean withLabels) {
        return new L2eSpec(file, VERSION, "none", FEATURES, PREDICTION, SCORES, withLabels ? LABEL_LOGITS : null);
    }

    /** The scores the linear explainer computes for one row, in the model's float order: (x[j] * w[j]) * y. */
    public static float[] expectedScores(float[] x, float[] w, float y) {
        float[] s = new float[x.length];
        for (int j = 0; j < x.length; j++) {
            s[j] = (x[j] * w[j]) * y;
        }
        return s;
    }

    /** The argmax of the linear explainer's label logits for a score (see class doc). */
    public static Label expectedLabel(float s) {
        if (s <= -2f) {
            return Label.HIGH_NEGATIVE;
        } else if (s <= -1f) {
            return Label.LOW_NEGATIVE;
        } else if (s <= 1f) {
            return Label.NEUTRAL;
        } else if (s <= 2f) {
            return Label.LOW_POSITIVE;
        }
        return Label.HIGH_POSITIVE;
    }

    /**
     * The labels the served explainer decodes from the linear explainer's logits for one row: the argmax
     * ({@link #expectedLabel(float)}) kept to the labelling rule's structure by {@link LabelDecoder}; features with
     * {@code x[j] == 0} are left out (NEUTRAL), as in the present layout.
     */
    public static Label[] expectedLabels(float[] scores, float[] x) {
        int[] at = new int[scores.length];
        int n = 0;
        for (int j = 0; j < scores.length; j++) {
            if (x == null || x[j] != 0) {
                at[n++] = j;
            }
        }
        float[] slope = {-2, -1, 0, 1, 2};
        float[] bias = {-3, -1, 0, -1, -3};
        Label[] decoded = new Label[n];
        LabelDecoder.decode((f, k) -> slope[k] * scores[at[f]] + bias[k], n, decoded);
        Label[] out = new Label[scores.length];
        java.util.Arrays.fill(out, Label.NEUTRAL);
        for (int f = 0; f < n; f++) {
            out[at[f]] = decoded[f];
        }
        return out;
    }

    public static float[] ones(int d) {
        float[] w = new float[d];
        java.util.Arrays.fill(w, 1f);
        return w;
    }

    private static byte[] model(OnnxMl.GraphProto.Builder graph) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("explainstream-tests")
                .setProducerVersion("1")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static OnnxMl.NodeProto node(String op, String name, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output).build();
    }

    private static OnnxMl.TensorProto floatTensor(String name, float[] values, long... dims) {
        List<Float> data = new ArrayList<>(values.length);
        for (float v : values) {
            data.add(v);
        }
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .addAllFloatData(data);
        for (long dim : dims) {
            t.addDims(dim);
        }
        return t.build();
    }

    /** A float tensor value info; the first dimension is {@code batch}, or the symbol "N" when batch ≤ 0. */
    private static OnnxMl.ValueInfoProto valueInfo(String name, long batch, long... dims) {
        var all = new OnnxMl.TensorShapeProto.Dimension.Builder[dims.length + 1];
        all[0] = batch > 0 ? fixed(batch) : symbol("N");
        for (int k = 0; k < dims.length; k++) {
            all[k + 1] = fixed(dims[k]);
        }
        return valueInfo(name, FLOAT, all);
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, int type,
                                                   OnnxMl.TensorShapeProto.Dimension.Builder... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (OnnxMl.TensorShapeProto.Dimension.Builder d : dims) {
            shape.addDim(d);
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }

    private static OnnxMl.TensorShapeProto.Dimension.Builder fixed(long size) {
        return OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(size);
    }

    private static OnnxMl.TensorShapeProto.Dimension.Builder symbol(String name) {
        return OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(name);
    }
}
