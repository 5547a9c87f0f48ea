package io.explainstream.trainer.l2e;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.explainstream.bundle.L2eSpec;
import io.explainstream.explain.Label;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.Rows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import java.util.Set;

/**
 * Runs an exported L2E model (the {@link L2eSpec} contract) with ONNX Runtime on CPU, for evaluation: scaled rows and
 * f(x) in, scores and argmax labels out. Rows go through in batches of at most {@code maxBatch}, copied into reused
 * direct buffers that are zero between calls (only a row's stored values are written and cleared). Not thread-safe.
 *
 * @see #explain(Rows, double[], boolean)
 * @see #explainOne(Rows, int, double)
 */
public final class L2eOnnx implements AutoCloseable {
    private static final Label[] LABEL_VALUES = Label.values();
    private static final int LABELS = LABEL_VALUES.length;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final L2eSpec spec;
    private final int d;
    private final int maxBatch;
    private final boolean hasLabels;
    private final Set<String> outputs;
    private final FloatBuffer features;
    private final FloatBuffer predictions;
    private final FloatBuffer scoresOut;
    private final FloatBuffer labelsOut;

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
        Set<String> outs = new LinkedHashSet<>();
        outs.add(spec.outputScores());
        if (hasLabels) {
            outs.add(spec.outputLabels());
        }
        this.outputs = outs;
        this.features = ByteBuffer.allocateDirect(Math.multiplyExact(Math.multiplyExact(maxBatch, d), Float.BYTES))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.predictions = ByteBuffer.allocateDirect(maxBatch * Float.BYTES).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        this.scoresOut = direct(Math.multiplyExact(maxBatch, d));
        this.labelsOut = hasLabels ? direct(Math.multiplyExact(Math.multiplyExact(maxBatch, d), LABELS)) : null;
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(Math.multiplyExact(floats, Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    /**
     * Opens {@code model} on CPU.
     *
     * @param d              the feature dimension the model must take
     * @param maxBatch       most rows per {@code session.run} (≥ 1)
     * @param intraOpThreads ONNX Runtime intra-op threads (≥ 1)
     * @throws DataException the model cannot be loaded or does not have the spec's inputs and outputs
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
        try {
            Map<String, NodeInfo> in = session.getInputInfo();
            Map<String, NodeInfo> out = session.getOutputInfo();
            shape(model, "input", spec.inputFeatures(), in, d);
            shape(model, "input", spec.inputPrediction(), in, 1);
            shape(model, "output", spec.outputScores(), out, d);
            if (spec.outputLabels() != null) {
                shape(model, "output", spec.outputLabels(), out, d);
            }
        } catch (OrtException e) {
            throw new DataException("cannot read the inputs and outputs of the L2E model " + model + ": "
                    + e.getMessage());
        }
    }

    private static void shape(Path model, String kind, String name, Map<String, NodeInfo> infos, int width) {
        NodeInfo info = infos.get(name);
        if (info == null || !(info.getInfo() instanceof TensorInfo t)) {
            throw new DataException("the L2E model " + model + " has no tensor " + kind + " '" + name + "' (its "
                    + kind + "s: " + infos.keySet() + ")");
        }
        long[] s = t.getShape();
        if (s.length < 2 || s[0] >= 0 || (s[1] >= 0 && s[1] != width)) {
            throw new DataException("the L2E model " + model + " " + kind + " '" + name + "' has shape "
                    + Arrays.toString(s) + ", expected [N, " + width + (s.length > 2 ? ", ...]" : "]"));
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

    private void run(Rows x, double[] y, int from, int to, int outRow, float[] scores, byte[] labels,
                     float[] logits) {
        int n = to - from;
        for (int i = from; i < to; i++) {
            int base = (i - from) * d;
            for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
                features.put(base + x.col[k], (float) x.val[k]);
            }
            if (y != null) {
                predictions.put(i - from, (float) y[i]);
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
        decode(x, from, to, outRow, scores, labels, logits);
    }

    /** Copies out the present features' scores and labels; an absent feature is NEUTRAL with score 0. */
    private void decode(Rows x, int from, int to, int outRow, float[] scores, byte[] labels, float[] logits) {
        int n = to - from;
        if (logits != null) {
            labelsOut.get(0, logits, outRow * d * LABELS, n * d * LABELS);
        }
        for (int i = from; i < to; i++) {
            int in = (i - from) * d;
            int at = (outRow + i - from) * d;
            if (labels != null) {
                Arrays.fill(labels, at, at + d, (byte) Label.NEUTRAL.ordinal());
            }
            for (int k = x.ptr[i]; k < x.ptr[i + 1]; k++) {
                int j = x.col[k];
                scores[at + j] = scoresOut.get(in + j);
                if (labels != null) {
                    labels[at + j] = (byte) argmax(labelsOut, (in + j) * LABELS);
                }
            }
        }
    }

    private void infer(int n) {
        FloatBuffer xb = features.duplicate().position(0).limit(n * d);
        FloatBuffer yb = predictions.duplicate().position(0).limit(n);
        List<OnnxTensor> pinned = new ArrayList<>(2);
        try (OnnxTensor xt = OnnxTensor.createTensor(env, xb.slice(), new long[]{n, d});
             OnnxTensor yt = OnnxTensor.createTensor(env, yb.slice(), new long[]{n, 1})) {
            Map<String, OnnxTensor> inputs = new HashMap<>(4);
            inputs.put(spec.inputFeatures(), xt);
            inputs.put(spec.inputPrediction(), yt);
            Map<String, OnnxTensor> outs = new HashMap<>(4);
            pinned.add(OnnxTensor.createTensor(env, scoresOut.duplicate().position(0).limit(n * d).slice(),
                    new long[]{n, d}));
            outs.put(spec.outputScores(), pinned.get(0));
            if (hasLabels) {
                pinned.add(OnnxTensor.createTensor(env, labelsOut.duplicate().position(0).limit(n * d * LABELS)
                        .slice(), new long[]{n, d, LABELS}));
                outs.put(spec.outputLabels(), pinned.get(1));
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
            pinned.forEach(OnnxTensor::close);
        }
    }

    private static int argmax(FloatBuffer v, int base) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < LABELS; k++) {
            float x = v.get(base + k);
            if (!Float.isNaN(x) && (best < 0 || x > bestValue)) {
                best = k;
                bestValue = x;
            }
        }
        return best < 0 ? Label.NEUTRAL.ordinal() : best;
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
