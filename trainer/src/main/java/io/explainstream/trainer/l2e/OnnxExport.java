package io.explainstream.trainer.l2e;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.trainer.data.DataException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static io.explainstream.trainer.l2e.DistilledExplainer.ABSENT_NEUTRAL_LOGIT;
import static io.explainstream.trainer.l2e.DistilledExplainer.CHANNELS;
import static io.explainstream.trainer.l2e.DistilledExplainer.LABELS;

/**
 * Writes a {@link DistilledExplainer} as an ONNX model (IR 8, opset 13) that serves the {@link L2eSpec} contract, in
 * one of two {@link Layout}s (N symbolic in both):
 * <ul>
 *   <li>{@link Layout#DENSE} (tabular explainers): inputs {@link #FEATURES} float[N, d] and {@link #PREDICTION}
 *       float[N, 1], outputs {@link #SCORES} float[N, d] and {@link #LABELS_OUTPUT} float[N, d, 5] (label logits).
 *       The graph is the explainer's formula with MatMul, Add, Mul, Tanh, Reshape, Unsqueeze, Slice and Squeeze. A
 *       sparse explainer written this way computes the per-feature part at the present features only (NonZero,
 *       Gather, ReduceSum, ScatterND into the constant outputs of absent features), but its inputs, outputs and
 *       context c = tanh(x·E + ...) still cost O(d) per row.</li>
 *   <li>{@link Layout#PRESENT} (the default for sparse explainers): inputs {@link #FEATURES} float[N, L] (the present
 *       features' values), {@link #INDICES} int64[N, L] (their ids) and {@link #PREDICTION}, outputs {@link #SCORES}
 *       float[N, L] and {@link #LABELS_OUTPUT} float[N, L, 5] per slot, L symbolic. Every weight is gathered at the
 *       slots' ids (Gather, Mul, ReduceSum, Pad, Split), so a row costs O(L·C·h):
 *       <pre>
 *   c          = tanh(Σ_s x_s·E[id_s] + ŷ·u + b)          (ReduceSum over the slots; padding has x_s = 0)
 *   o[s, ch]   = x_s·([c, 1]·PA[id_s, ch]) + [c, 1]·QR[id_s, ch]
 *       </pre>
 *       with PA[j, ch] = [P[j, ch, :], A[j, ch]] and QR[j, ch] = [Q[j, ch, :], R[j, ch]] (shape [d, C, h+1]): the
 *       explainer's o[j, ch] = x_j·(c·P[j,ch,:] + A[j,ch]) + c·Q[j,ch,:] + R[j,ch] at j = id_s. A padding slot's
 *       outputs are those of feature 0 at value 0, which callers ignore.</li>
 * </ul>
 * An explainer that mirrors (binary classifiers, {@link DistilledExplainer#mirrorBelow()}) adds Less, MatMul and Where
 * after o, in every layout. The version is {@code l2e-} and the first 12 hex digits of the SHA-256 of the weights and
 * the mirroring threshold (the same for both layouts).
 */
public final class OnnxExport {
    public static final String FILE = "l2e.onnx";
    public static final String FEATURES = "features";
    public static final String INDICES = "indices";
    public static final String PREDICTION = "prediction";
    public static final String SCORES = "scores";
    public static final String LABELS_OUTPUT = "labels";
    public static final long IR_VERSION = 8;
    public static final long OPSET = 13;

    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    private static final int INT64 = OnnxMl.TensorProto.DataType.INT64.getNumber();

    /** How the exported model takes its rows; see the class doc and {@link L2eSpec}. */
    public enum Layout {
        /** float[N, d] features in, per-feature outputs [N, d, ...]. */
        DENSE,
        /** the present features' values and ids [N, L] in, per-slot outputs [N, L, ...]; sparse explainers only. */
        PRESENT;

        /** The layout {@link #write(DistilledExplainer, String, Path)} uses: PRESENT when sparse, else DENSE. */
        public static Layout of(DistilledExplainer m) {
            return m.sparse() ? PRESENT : DENSE;
        }
    }

    private OnnxExport() {
    }

    /** Writes {@code dir/l2e.onnx} in {@link Layout#of the explainer's layout} and returns the spec naming it. */
    public static L2eSpec write(DistilledExplainer m, String teacher, Path dir) {
        return write(m, teacher, dir, Layout.of(m));
    }

    /** Writes {@code dir/l2e.onnx} (folders created) in the given layout and returns the spec naming it. */
    public static L2eSpec write(DistilledExplainer m, String teacher, Path dir, Layout layout) {
        L2eSpec spec = spec(m, teacher, layout);
        Path file = dir.resolve(FILE);
        try {
            Files.createDirectories(dir);
            try (OutputStream out = Files.newOutputStream(file)) {
                model(m, spec).writeTo(out);
            }
        } catch (IOException e) {
            throw new DataException("cannot write the L2E model " + file + ": " + e.getMessage());
        }
        return spec;
    }

    /** The spec of the model exported in {@link Layout#of the explainer's layout}. */
    public static L2eSpec spec(DistilledExplainer m, String teacher) {
        return spec(m, teacher, Layout.of(m));
    }

    /**
     * The spec of the exported model: file {@link #FILE}, {@link #version}, the given teacher, the names above, and
     * {@code inputIndices} = {@link #INDICES} for the present layout (null for the dense one).
     *
     * @throws IllegalArgumentException no teacher name, or the present layout for a dense (tabular) explainer
     */
    public static L2eSpec spec(DistilledExplainer m, String teacher, Layout layout) {
        if (teacher == null || teacher.isBlank()) {
            throw new IllegalArgumentException("teacher name is required");
        }
        if (layout == Layout.PRESENT && !m.sparse()) {
            throw new IllegalArgumentException("the present layout needs a sparse explainer (absent = 0); this one "
                    + "is dense");
        }
        return new L2eSpec(FILE, version(m), teacher, FEATURES, PREDICTION, SCORES, LABELS_OUTPUT,
                layout == Layout.PRESENT ? INDICES : null);
    }

    /** {@code l2e-} and 12 hex digits of the SHA-256 of the shape and weights. */
    public static String version(DistilledExplainer m) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(9).putInt(m.d()).putInt(m.hidden()).put((byte) (m.sparse() ? 1 : 0))
                    .array());
            if (m.mirrors()) {
                sha.update(ByteBuffer.allocate(4).putFloat(m.mirrorBelow()).array());
            }
            for (float[] v : List.of(m.e(), m.u(), m.b(), m.p(), m.q(), m.a(), m.r())) {
                sha.update(littleEndian(v).asReadOnlyBuffer());
            }
            return "l2e-" + HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /**
     * The ONNX model; {@code spec} supplies the layout ({@link L2eSpec#presentLayout()}) and the version and teacher
     * recorded in its metadata.
     */
    public static OnnxMl.ModelProto model(DistilledExplainer m, L2eSpec spec) {
        int d = m.d();
        int h = m.hidden();
        boolean present = spec.presentLayout();
        if (present && !m.sparse()) {
            throw new IllegalArgumentException("the present layout needs a sparse explainer");
        }
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("l2e_distilled");
        if (present) {
            present(g, m);
        } else {
            g.addInput(valueInfo(FEATURES, FLOAT, false, d));
            g.addInput(valueInfo(PREDICTION, FLOAT, false, 1));
            g.addInitializer(floats("E", m.e(), d, h));
            g.addInitializer(floats("A", m.a(), d, CHANNELS));
            g.addInitializer(floats("R", m.r(), d, CHANNELS));
            node(g, "MatMul", "xe", FEATURES, "E");
            context(g, m, "xe");
            if (m.sparse()) {
                presentOnly(g, m);
            } else {
                dense(g, m);
            }
            g.addOutput(valueInfo(SCORES, FLOAT, false, d));
            g.addOutput(valueInfo(LABELS_OUTPUT, FLOAT, false, d, LABELS));
        }
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("explainstream-trainer")
                .setProducerVersion("1")
                .setDomain("io.explainstream")
                .setDocString("L2E explainer distilled from " + spec.teacher() + " (d=" + d + ", hidden=" + h
                        + ", sparse=" + m.sparse() + ", layout=" + (present ? "present" : "dense")
                        + (m.mirrors() ? ", mirrored below prediction " + m.mirrorBelow() : "") + ")")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(g);
        meta(model, "version", spec.version());
        meta(model, "teacher", spec.teacher());
        meta(model, "d", Integer.toString(d));
        meta(model, "hidden", Integer.toString(h));
        meta(model, "sparse", Boolean.toString(m.sparse()));
        meta(model, "mirror_below", m.mirrors() ? Float.toString(m.mirrorBelow()) : "none");
        meta(model, "layout", present ? "present" : "dense");
        meta(model, "epochs", Integer.toString(m.epochs()));
        meta(model, "best_validation_loss", String.format(Locale.ROOT, "%.6f", m.bestValidationLoss()));
        return model.build();
    }

    /** c = tanh(xe + ŷ·u + b) as node "c", from the node {@code xe} [N, h]. */
    private static void context(OnnxMl.GraphProto.Builder g, DistilledExplainer m, String xe) {
        g.addInitializer(floats("U", m.u(), 1, m.hidden()));
        g.addInitializer(floats("B", m.b(), m.hidden()));
        node(g, "MatMul", "yu", PREDICTION, "U");
        node(g, "Add", "pre0", xe, "yu");
        node(g, "Add", "pre", "pre0", "B");
        node(g, "Tanh", "c", "pre");
    }

    /** The present layout (see the class doc): every weight is gathered at the slots' ids. */
    private static void present(OnnxMl.GraphProto.Builder g, DistilledExplainer m) {
        int d = m.d();
        int h = m.hidden();
        g.addInput(valueInfo(FEATURES, FLOAT, true));
        g.addInput(valueInfo(INDICES, INT64, true));
        g.addInput(valueInfo(PREDICTION, FLOAT, false, 1));
        g.addInitializer(floats("E", m.e(), d, h));
        g.addInitializer(floats("PA", withBias(m.p(), m.a(), d, h), d, CHANNELS, h + 1));
        g.addInitializer(floats("QR", withBias(m.q(), m.r(), d, h), d, CHANNELS, h + 1));
        g.addInitializer(longs("axis1", 1));
        g.addInitializer(longs("axis2", 2));
        g.addInitializer(longs("axis3", 3));
        g.addInitializer(longs("axes12", 1, 2));
        g.addInitializer(longs("pad_one", 0, 0, 0, 1));
        g.addInitializer(OnnxMl.TensorProto.newBuilder().setName("one").setDataType(FLOAT).addFloatData(1f).build());
        g.addInitializer(longs("split_5_1", LABELS, CHANNELS - LABELS));
        node(g, "Unsqueeze", "x3", FEATURES, "axis2");                       // [N, L, 1]
        gather(g, "e_at", "E", INDICES, 0);
        node(g, "Mul", "xe_terms", "e_at", "x3");
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceSum").setName("xe").addInput("xe_terms")
                .addInput("axis1").addOutput("xe").addAttribute(intAttribute("keepdims", 0)));
        context(g, m, "xe");                                                 // c [N, h]
        node(g, "Pad", "c1", "c", "pad_one", "one");
        node(g, "Unsqueeze", "c4", "c1", "axes12");                          // [c, 1] as [N, 1, 1, h+1]
        gather(g, "pa_at", "PA", INDICES, 0);                                // [N, L, C, h+1]
        node(g, "Mul", "pa_terms", "c4", "pa_at");
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceSum").setName("pa").addInput("pa_terms")
                .addInput("axis3").addOutput("pa").addAttribute(intAttribute("keepdims", 0)));
        gather(g, "qr_at", "QR", INDICES, 0);
        node(g, "Mul", "qr_terms", "c4", "qr_at");
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceSum").setName("qr").addInput("qr_terms")
                .addInput("axis3").addOutput("qr").addAttribute(intAttribute("keepdims", 0)));
        node(g, "Mul", "xpa", "x3", "pa");
        node(g, "Add", raw(m), "xpa", "qr");                                 // [N, L, C]
        mirror(g, m, PREDICTION, true);
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Split").setName("split").addInput("out")
                .addInput("split_5_1").addOutput(LABELS_OUTPUT).addOutput("score3")
                .addAttribute(intAttribute("axis", 2)));
        node(g, "Squeeze", SCORES, "score3", "axis2");
        g.addOutput(valueInfo(SCORES, FLOAT, true));
        g.addOutput(valueInfo(LABELS_OUTPUT, FLOAT, true, LABELS));
    }

    /** [d, C, h+1]: W[j, ch, k] = P[j, ch, k] for k &lt; h, bias[j, ch] for k = h. */
    private static float[] withBias(float[] p, float[] bias, int d, int h) {
        float[] w = new float[d * (h + 1) * CHANNELS];
        for (int j = 0; j < d; j++) {
            for (int ch = 0; ch < CHANNELS; ch++) {
                for (int k = 0; k < h; k++) {
                    w[(j * CHANNELS + ch) * (h + 1) + k] = p[(j * CHANNELS + ch) * h + k];
                }
                w[(j * CHANNELS + ch) * (h + 1) + h] = bias[j * CHANNELS + ch];
            }
        }
        return w;
    }

    private static void dense(OnnxMl.GraphProto.Builder g, DistilledExplainer m) {
        int d = m.d();
        int h = m.hidden();
        g.addInitializer(floats("PT", transpose(m.p(), d * CHANNELS, h), h, (long) d * CHANNELS));
        g.addInitializer(floats("QT", transpose(m.q(), d * CHANNELS, h), h, (long) d * CHANNELS));
        g.addInitializer(longs("shape_ndc", 0, d, CHANNELS));
        g.addInitializer(longs("axis2", 2));
        g.addInitializer(longs("at0", 0));
        g.addInitializer(longs("at5", LABELS));
        g.addInitializer(longs("at6", CHANNELS));
        node(g, "MatMul", "cp", "c", "PT");
        node(g, "Reshape", "cp3", "cp", "shape_ndc");
        node(g, "MatMul", "cq", "c", "QT");
        node(g, "Reshape", "cq3", "cq", "shape_ndc");
        node(g, "Unsqueeze", "x3", FEATURES, "axis2");
        node(g, "Add", "pa", "cp3", "A");
        node(g, "Mul", "xpa", "x3", "pa");
        node(g, "Add", "xpaq", "xpa", "cq3");
        node(g, "Add", raw(m), "xpaq", "R");
        mirror(g, m, PREDICTION, true);
        node(g, "Slice", LABELS_OUTPUT, "out", "at0", "at5", "axis2");
        node(g, "Slice", "score3", "out", "at5", "at6", "axis2");
        node(g, "Squeeze", SCORES, "score3", "axis2");
    }

    /**
     * The per-feature part computed at the present features only (NonZero, Gather, ScatterND), so its cost follows
     * the non-zeros; absent features keep the constant neutral logits and a zero score.
     */
    private static void presentOnly(OnnxMl.GraphProto.Builder g, DistilledExplainer m) {
        int d = m.d();
        int h = m.hidden();
        float[] absent = new float[LABELS];
        absent[Label.NEUTRAL.ordinal()] = ABSENT_NEUTRAL_LOGIT;
        g.addInitializer(floats("P", m.p(), d, CHANNELS, h));
        g.addInitializer(floats("Q", m.q(), d, CHANNELS, h));
        g.addInitializer(floats("absent_logits", absent, LABELS));
        g.addInitializer(longs("labels_dim", LABELS));
        g.addInitializer(longs("axis1", 1));
        g.addInitializer(longs("axis2", 2));
        g.addInitializer(longs("at0", 0));
        g.addInitializer(longs("at5", LABELS));
        g.addInitializer(longs("at6", CHANNELS));
        g.addInitializer(scalar("row_index", 0));
        g.addInitializer(scalar("col_index", 1));
        node(g, "NonZero", "nz", FEATURES);
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Transpose").setName("at").addInput("nz").addOutput("at")
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("perm")
                        .setType(OnnxMl.AttributeProto.AttributeType.INTS).addInts(1).addInts(0)));
        node(g, "GatherND", "vals", FEATURES, "at");
        gather(g, "rows", "nz", "row_index", 0);
        gather(g, "cols", "nz", "col_index", 0);
        gather(g, "c_at", "c", "rows", 0);
        node(g, "Unsqueeze", "c_at3", "c_at", "axis1");
        gather(g, "p_at", "P", "cols", 0);
        gather(g, "q_at", "Q", "cols", 0);
        node(g, "Mul", "cp_terms", "p_at", "c_at3");
        sum(g, "cp", "cp_terms");
        node(g, "Mul", "cq_terms", "q_at", "c_at3");
        sum(g, "cq", "cq_terms");
        gather(g, "a_at", "A", "cols", 0);
        gather(g, "r_at", "R", "cols", 0);
        node(g, "Unsqueeze", "vals2", "vals", "axis1");
        node(g, "Add", "pa", "cp", "a_at");
        node(g, "Mul", "xpa", "vals2", "pa");
        node(g, "Add", "xpaq", "xpa", "cq");
        node(g, "Add", raw(m), "xpaq", "r_at");
        if (m.mirrors()) {
            gather(g, "prediction_at", PREDICTION, "rows", 0);
            mirror(g, m, "prediction_at", false);
        }
        node(g, "Slice", "labels_at", "out", "at0", "at5", "axis1");
        node(g, "Slice", "score_at2", "out", "at5", "at6", "axis1");
        node(g, "Squeeze", "score_at", "score_at2", "axis1");
        node(g, "Shape", "nd", FEATURES);
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Concat").setName("nd5").addInput("nd")
                .addInput("labels_dim").addOutput("nd5").addAttribute(intAttribute("axis", 0)));
        node(g, "Expand", "labels_base", "absent_logits", "nd5");
        node(g, "ScatterND", LABELS_OUTPUT, "labels_base", "at", "labels_at");
        node(g, "ConstantOfShape", "scores_base", "nd");
        node(g, "ScatterND", SCORES, "scores_base", "at", "score_at");
    }

    /** The per-feature output node's name: "out", or "out_raw" when {@link #mirror} makes "out" from it. */
    private static String raw(DistilledExplainer m) {
        return m.mirrors() ? "out_raw" : "out";
    }

    /**
     * out = Where(prediction &lt; mirrorBelow, out_raw·MIRROR, out_raw), MIRROR reversing the label logits and negating
     * the score; {@code prediction} is [N, 1] ({@code perRow}: out_raw is [N, L, C]) or [M, 1] aligned with out_raw's
     * rows [M, C]. Nothing when the explainer does not mirror.
     */
    private static void mirror(OnnxMl.GraphProto.Builder g, DistilledExplainer m, String prediction, boolean perRow) {
        if (!m.mirrors()) {
            return;
        }
        g.addInitializer(floats("mirror_below", new float[]{m.mirrorBelow()}, 1));
        g.addInitializer(floats("mirror_matrix", Distiller.MIRROR, CHANNELS, CHANNELS));
        node(g, "Less", "mirror_rows", prediction, "mirror_below");
        String condition = "mirror_rows";
        if (perRow) {
            g.addInitializer(longs("mirror_axis", 2));
            node(g, "Unsqueeze", "mirror_rows3", "mirror_rows", "mirror_axis");
            condition = "mirror_rows3";
        }
        node(g, "MatMul", "out_mirrored", "out_raw", "mirror_matrix");
        node(g, "Where", "out", condition, "out_mirrored", "out_raw");
    }

    private static void gather(OnnxMl.GraphProto.Builder g, String output, String data, String indices, int axis) {
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gather").setName(output).addInput(data).addInput(indices)
                .addOutput(output).addAttribute(intAttribute("axis", axis)));
    }

    private static void sum(OnnxMl.GraphProto.Builder g, String output, String input) {
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType("ReduceSum").setName(output).addInput(input)
                .addInput("axis2").addOutput(output).addAttribute(intAttribute("keepdims", 0)));
    }

    private static OnnxMl.AttributeProto intAttribute(String name, long v) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(v).build();
    }

    private static OnnxMl.TensorProto scalar(String name, long v) {
        return OnnxMl.TensorProto.newBuilder().setName(name).setDataType(INT64).addInt64Data(v).build();
    }

    private static void meta(OnnxMl.ModelProto.Builder model, String key, String value) {
        model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                t[k * rows + i] = v[i * cols + k];
            }
        }
        return t;
    }

    private static void node(OnnxMl.GraphProto.Builder g, String op, String output, String... inputs) {
        g.addNode(OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(List.of(inputs))
                .addOutput(output));
    }

    private static ByteBuffer littleEndian(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        return bb;
    }

    private static OnnxMl.TensorProto floats(String name, float[] v, long... dims) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                .setRawData(ByteString.copyFrom(littleEndian(v)));
        for (long dim : dims) {
            t.addDims(dim);
        }
        return t.build();
    }

    private static OnnxMl.TensorProto longs(String name, long... v) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder().setName(name).setDataType(INT64)
                .addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }

    /** A tensor [N, dims...], or [N, L, dims...] with {@code slots}; N and L symbolic. */
    private static OnnxMl.ValueInfoProto valueInfo(String name, int type, boolean slots, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        if (slots) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("L"));
        }
        for (long dim : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dim));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
                .build();
    }
}
