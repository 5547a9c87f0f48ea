package io.explainstream.trainer.l2e;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.explain.LabelDecoder;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.Rows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Runs an exported L2E model (the {@link L2eSpec} contract, either layout) with ONNX Runtime on CPU, for evaluation:
 * scaled rows and f(x) in, scores and argmax labels out. Rows go through in batches of at most {@code maxBatch},
 * copied into reused direct buffers; the outputs are written by ONNX Runtime into reused (pinned) direct buffers.
 * <ul>
 *   <li>Dense layout: the features buffer is [maxBatch, d] and zero between calls (only a row's stored values are
 *       written and cleared).</li>
 *   <li>Present layout: a batch is sent as [n, L] values and ids of each row's present (non-zero) stored entries, L
 *       the most of any row in the batch (at least 1), padded with value 0 and id 0; the buffers hold maxBatch × the
 *       largest L seen so far and grow when a batch needs more.</li>
 * </ul>
 * Either way a feature that is absent (not stored, or stored as 0) for a sparse model is NEUTRAL with score 0 (the
 * dense layout's model computes that itself, the present layout's by definition); with logits, its logits are the
 * constant (0, 0, {@link DistilledExplainer#ABSENT_NEUTRAL_LOGIT}, 0, 0). Not thread-safe.
 *
 * @see #explain(Rows, double[], boolean)
 * @see #explainOne(Rows, int, double)
 */
public final class L2eOnnx implements AutoCloseable {
    private static final Label[] LABEL_VALUES = Label.values();
    private static final int LABELS = LABEL_VALUES.length;
    private static final int NEUTRAL = Label.NEUTRAL.ordinal();
    /** An expected dimension that must be symbolic (L in the present layout). */
    private static final long SLOTS = -1;
    private static final int INITIAL_SLOTS = 32;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final L2eSpec spec;
    private final int d;
    private final int maxBatch;
    private final boolean hasLabels;
    private final boolean present;
    private final FloatBuffer predictions;
    /** Values per row: d (dense) or the slot capacity (present). */
    private int width;
    private FloatBuffer features;
    private LongBuffer indices;
    private FloatBuffer scoresOut;
    private Label[] rowLabels = new Label[64];
    private FloatBuffer labelsOut;

    /**
     * The outputs for n rows.
     *
     * @param scores index i·d + j
     * @param labels {@link Label} ordinals (argmax of the logits, first wins ties), index i·d + j; null without a
     *               label output
     * @param logits label logits, index (i·d + j)·5 + k, only when asked for; else null
     */
    public record Output(int n, int d, float[] scores, byte[] labels, float[] logits) {
        public float score(int i, int j) {
            return scores[i * d + j];
        }

        public Label label(int i, int j) {
            return LABEL_VALUES[labels[i * d + j]];
        }
    }

    private L2eOnnx(OrtEnvironment env, OrtSession session, L2eSpec spec, int d, int maxBatch) {
        this.env = env;
        this.session = session;
        this.spec = spec;
        this.d = d;
        this.maxBatch = maxBatch;
        this.hasLabels = spec.outputLabels() != null;
        this.present = spec.presentLayout();
        this.predictions = floats(maxBatch);
        allocate(present ? Math.min(d, INITIAL_SLOTS) : d);
    }

    /** (Re)allocates the per-row buffers for {@code w} values per row; the dense features buffer starts zeroed. */
    private void allocate(int w) {
        int cells = Math.multiplyExact(maxBatch, w);
        width = w;
        features = floats(cells);
        indices = present ? ByteBuffer.allocateDirect(Math.multiplyExact(cells, Long.BYTES))
                .order(ByteOrder.nativeOrder()).asLongBuffer() : null;
        scoresOut = floats(cells);
        labelsOut = hasLabels ? floats(Math.multiplyExact(cells, LABELS)) : null;
    }

    private static FloatBuffer floats(int count) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /**
     * Opens {@code model} on CPU.
     *
     * @param d              the feature dimension the model must take
     * @param maxBatch       most rows per {@code session.run} (≥ 1)
     * @param intraOpThreads ONNX Runtime intra-op threads (≥ 1)
     * @throws DataException the model cannot be loaded or does not have the spec's inputs and outputs in the spec's
     *                       layout
     */
    public static L2eOnnx open(Path model, L2eSpec spec, int d, int maxBatch, int intraOpThreads) {
        if (d < 1 || maxBatch < 1 || intraOpThreads < 1) {
            throw new IllegalArgumentException("d, maxBatch and intraOpThreads must be >= 1, were " + d + ", "
                    + maxBatch + ", " + intraOpThreads);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(intraOpThreads);
            session = env.createSession(model.toString(), options);
        } catch (OrtException e) {
            throw new DataException("cannot load the L2E model " + model + ": " + e.getMessage());
        }
        try {
            check(session, model, spec, d);
        } catch (RuntimeException e) {
            closeSession(session);
            throw e;
        }
        return new L2eOnnx(env, session, spec, d, maxBatch);
    }

    private static void check(OrtSession session, Path model, L2eSpec spec, int d) {
        long width = spec.presentLayout() ? SLOTS : d;
        try {
            Map<String, NodeInfo> in = session.getInputInfo();
            Map<String, NodeInfo> out = session.getOutputInfo();
            shape(model, "input", spec.inputFeatures(), in, OnnxJavaType.FLOAT, width);
            if (spec.presentLayout()) {
                shape(model, "input", spec.inputIndices(), in, OnnxJavaType.INT64, SLOTS);
            }
            shape(model, "input", spec.inputPrediction(), in, OnnxJavaType.FLOAT, 1);
            shape(model, "output", spec.outputScores(), out, OnnxJavaType.FLOAT, width);
            if (spec.outputLabels() != null) {
                shape(model, "output", spec.outputLabels(), out, OnnxJavaType.FLOAT, width, LABELS);
            }
            for (String name : in.keySet()) {
                if (!name.equals(spec.inputFeatures()) && !name.equals(spec.inputPrediction())
                        && !name.equals(spec.inputIndices())) {
                    throw new DataException("the L2E model " + model + " has an input '" + name + "' that its spec "
                            + "does not name" + (spec.presentLayout() ? ""
                            : " (a present-layout model needs a spec with inputIndices)"));
                }
            }
        } catch (OrtException e) {
            throw new DataException("cannot read the inputs and outputs of the L2E model " + model + ": "
                    + e.getMessage());
        }
    }

    /**
     * Checks a tensor [N, dims...]: N symbolic; a dim ≥ 0 must match where the model fixes it; {@link #SLOTS} must
     * be symbolic.
     */
    private static void shape(Path model, String kind, String name, Map<String, NodeInfo> infos, OnnxJavaType type,
                              long... dims) {
        NodeInfo info = infos.get(name);
        if (info == null || !(info.getInfo() instanceof TensorInfo t)) {
            throw new DataException("the L2E model " + model + " has no tensor " + kind + " '" + name + "' (its "
                    + kind + "s: " + infos.keySet() + ")");
        }
        if (t.type != type) {
            throw new DataException("the L2E model " + model + " " + kind + " '" + name + "' has element type "
                    + t.type + ", expected " + type);
        }
        long[] s = t.getShape();
        boolean ok = s.length == dims.length + 1 && s[0] < 0;
        for (int k = 0; ok && k < dims.length; k++) {
            long actual = s[k + 1];
            ok = dims[k] == SLOTS ? actual < 0 : actual < 0 || actual == dims[k];
        }
        if (!ok) {
            StringJoiner expected = new StringJoiner(", ", "[", "]").add("N");
            for (long dim : dims) {
                expected.add(dim == SLOTS ? "L" : Long.toString(dim));
            }
            throw new DataException("the L2E model " + model + " " + kind + " '" + name + "' has shape "
                    + Arrays.toString(s) + ", expected " + expected + (Arrays.stream(dims).anyMatch(x -> x == SLOTS)
                    ? " (present layout: N and L dynamic)" : ""));
        }
    }

    /** The spec this model was opened with. */
    public L2eSpec spec() {
        return spec;
    }

    /** Scores and labels (no logits) for every row. */
    public Output explain(Rows x, double[] y) {
        return explain(x, y, false);
    }

    /** Scores, labels and, when {@code withLogits}, the label logits for every row, in batches of maxBatch. */
    public Output explain(Rows x, double[] y, boolean withLogits) {
        if (x.d != d) {
            throw new IllegalArgumentException("rows have " + x.d + " features, the L2E model " + d);
        }
        if (y.length != x.n) {
            throw new IllegalArgumentException("rows: " + x.n + ", predictions: " + y.length);
        }
        float[] scores = new float[Math.multiplyExact(x.n, d)];
        byte[] labels = hasLabels ? new byte[scores.length] : null;
        float[] logits = withLogits && hasLabels ? new float[Math.multiplyExact(scores.length, LABELS)] : null;
        for (int from = 0; from < x.n; from += maxBatch) {
            run(x, y, from, Math.min(x.n, from + maxBatch), from, scores, labels, logits);
        }
        return new Output(x.n, d, scores, labels, logits);
    }

    /** Row {@code row} of x alone (one {@code session.run}), with prediction y. */
    public Output explainOne(Rows x, int row, double y) {
        if (x.d != d) {
            throw new IllegalArgumentException("rows have " + x.d + " features, the L2E model " + d);
        }
        float[] scores = new float[d];
        byte[] labels = hasLabels ? new byte[d] : null;
        predictions.put(0, (float) y);
        run(x, null, row, row + 1, 0, scores, labels, null);
        return new Output(1, d, scores, labels, null);
    }

    /** Rows [from, to) of x (predictions from y, or already in place when y is null) into output row outRow on. */
    private void run(Rows x, double[] y, int from, int to, int outRow, float[] scores, byte[] labels,
                     float[] logits) {
        if (y != null) {
            for (int i = from; i < to; i++) {
                predictions.put(i - from, (float) y[i]);
            }
        }
        if (present) {
            runPresent(x, from, to, outRow, scores, labels, logits);
        } else {
            runDense(x, from, to, outRow, scores, labels, logits);
        }
    }

    private void runDense(Rows x, int from, int to, int outRow, float[] scores, byte[] labels, float[] logits) {
        int n = to - from;
        for (int i = from; i < to; i++) {
            int base = (i - from) * d;
            for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
                features.put(base + x.col[k], (float) x.val[k]);
            }
        }
        try {
            infer(n);
        } finally {
            for (int i = from; i < to; i++) {
                int base = (i - from) * d;
                for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
                    features.put(base + x.col[k], 0f);
                }
            }
        }
        if (logits != null) {
            labelsOut.get(0, logits, outRow * d * LABELS, n * d * LABELS);
        }
        for (int i = from; i < to; i++) {
            int in = (i - from) * d;
            int at = (outRow + i - from) * d;
            if (labels != null) {
                Arrays.fill(labels, at, at + d, (byte) NEUTRAL);
            }
            int first = x.ptr[i];
            for (int k = first; k < x.ptr[i + 1]; k++) {
                scores[at + x.col[k]] = scoresOut.get(in + x.col[k]);
            }
            if (labels != null) {
                decodeLabels((f, c) -> labelsOut.get((in + x.col[first + f]) * LABELS + c), x.nnz(i),
                        f -> at + x.col[first + f], labels);
            }
        }
    }

    /** Labels of one row's {@code count} present features ({@link LabelDecoder}), written at {@code target(f)}. */
    private void decodeLabels(LabelDecoder.Logits rowLogits, int count, java.util.function.IntUnaryOperator target,
                              byte[] labels) {
        if (rowLabels.length < count) {
            rowLabels = new Label[Math.max(count, 2 * rowLabels.length)];
        }
        LabelDecoder.decode(rowLogits, count, rowLabels);
        for (int f = 0; f < count; f++) {
            labels[target.applyAsInt(f)] = (byte) rowLabels[f].ordinal();
        }
    }

    /** Slot s of a row is its s-th stored entry whose float value is not 0; encoding and decoding walk the same. */
    private void runPresent(Rows x, int from, int to, int outRow, float[] scores, byte[] labels, float[] logits) {
        int n = to - from;
        int l = 1;
        for (int i = from; i < to; i++) {
            int count = 0;
            for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
                count += (float) x.val[k] != 0 ? 1 : 0;
            }
            l = Math.max(l, count);
        }
        if (l > width) {
            allocate(Math.max(l, Math.min(d, 2 * width)));
        }
        for (int i = from; i < to; i++) {
            int s = (i - from) * l;
            int end = s + l;
            for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
                float v = (float) x.val[k];
                if (v != 0) {
                    features.put(s, v);
                    indices.put(s++, x.col[k]);
                }
            }
            for (; s < end; s++) {
                features.put(s, 0f);
                indices.put(s, 0L);
            }
        }
        infer(n, l);
        for (int i = from; i < to; i++) {
            int s = (i - from) * l;
            int at = (outRow + i - from) * d;
            if (labels != null) {
                Arrays.fill(labels, at, at + d, (byte) NEUTRAL);
            }
            if (logits != null) {
                for (int j = at; j < at + d; j++) {
                    logits[j * LABELS + NEUTRAL] = DistilledExplainer.ABSENT_NEUTRAL_LOGIT;
                }
            }
            int first = s;
            int[] slotCols = slotColumns(x, i);
            for (int q = 0; q < slotCols.length; q++, s++) {
                int j = at + slotCols[q];
                scores[j] = scoresOut.get(s);
                if (logits != null) {
                    labelsOut.get(s * LABELS, logits, j * LABELS, LABELS);
                }
            }
            if (labels != null) {
                decodeLabels((f, c) -> labelsOut.get((first + f) * LABELS + c), slotCols.length,
                        f -> at + slotCols[f], labels);
            }
        }
    }

    private static int[] slotColumns(Rows x, int i) {
        int[] cols = new int[x.nnz(i)];
        int c = 0;
        for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
            if ((float) x.val[k] != 0) {
                cols[c++] = x.col[k];
            }
        }
        return Arrays.copyOf(cols, c);
    }

    private void infer(int n) {
        infer(n, d);
    }

    /** One {@code session.run} on n rows of {@code w} values each (w = d, or L for the present layout). */
    private void infer(int n, int w) {
        List<OnnxTensor> tensors = new ArrayList<>(5);
        try {
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            inputs.put(spec.inputFeatures(), add(tensors, OnnxTensor.createTensor(env,
                    features.duplicate().position(0).limit(n * w).slice(), new long[]{n, w})));
            if (present) {
                inputs.put(spec.inputIndices(), add(tensors, OnnxTensor.createTensor(env,
                        indices.duplicate().position(0).limit(n * w).slice(), new long[]{n, w})));
            }
            inputs.put(spec.inputPrediction(), add(tensors, OnnxTensor.createTensor(env,
                    predictions.duplicate().position(0).limit(n).slice(), new long[]{n, 1})));
            Map<String, OnnxTensor> outs = new HashMap<>(4);
            outs.put(spec.outputScores(), add(tensors, OnnxTensor.createTensor(env,
                    scoresOut.duplicate().position(0).limit(n * w).slice(), new long[]{n, w})));
            if (hasLabels) {
                outs.put(spec.outputLabels(), add(tensors, OnnxTensor.createTensor(env,
                        labelsOut.duplicate().position(0).limit(n * w * LABELS).slice(), new long[]{n, w, LABELS})));
            }
            try (OrtSession.Result result = session.run(inputs, outs)) {
                if (result.size() != outs.size()) {
                    throw new IllegalStateException("the L2E model returned " + result.size() + " outputs");
                }
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run the L2E model (version " + spec.version()
                    + ") on a batch of " + n + " rows: " + e.getMessage(), e);
        } finally {
            tensors.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor add(List<OnnxTensor> tensors, OnnxTensor t) {
        tensors.add(t);
        return t;
    }


    @Override
    public void close() {
        closeSession(session);
    }

    private static void closeSession(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session failed: " + e.getMessage(), e);
        }
    }
}
