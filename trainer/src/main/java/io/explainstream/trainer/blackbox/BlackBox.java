package io.explainstream.trainer.blackbox;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.explainstream.trainer.data.DataException;
import io.explainstream.trainer.data.Rows;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The black box f, always queried through ONNX Runtime in large batches. The model has one float input
 * [N, d] of raw features; the explained output is chosen by name or index, and for a [N, C] output, the column
 * {@code column} (the explained class's probability); a [N] or [N, 1] output is used as is.
 */
public final class BlackBox implements AutoCloseable {
    private static final int MAX_BATCH_FLOATS = 1 << 23;

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String input;
    private final String output;
    private final int column;
    private final int dimension;
    private final String file;

    private BlackBox(Path model, String outputSelector, int column, int dimension) throws OrtException {
        this.file = model.getFileName().toString();
        this.env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        this.session = env.createSession(model.toString(), so);
        this.dimension = dimension;
        this.column = column;
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1) {
            close();
            throw new DataException(file + ": the black box must have exactly one input, it has " + inputs.size()
                    + " " + inputs.keySet());
        }
        NodeInfo in = inputs.values().iterator().next();
        this.input = in.getName();
        if (!(in.getInfo() instanceof TensorInfo ti) || ti.type != OnnxJavaType.FLOAT) {
            close();
            throw new DataException(file + ": input '" + input + "' must be a float tensor, it is " + in.getInfo());
        }
        long[] shape = ti.getShape();
        if (shape.length != 2 || (shape[1] > 0 && shape[1] != dimension)) {
            close();
            throw new DataException(file + ": input '" + input + "' has shape " + java.util.Arrays.toString(shape)
                    + ", expected [N, " + dimension + "] (the data has " + dimension + " features)");
        }
        List<String> outs = new ArrayList<>(session.getOutputNames());
        String chosen;
        if (outputSelector == null || outputSelector.isEmpty()) {
            chosen = outs.get(0);
        } else if (outs.contains(outputSelector)) {
            chosen = outputSelector;
        } else {
            try {
                int idx = Integer.parseInt(outputSelector);
                if (idx < 0 || idx >= outs.size()) {
                    throw new NumberFormatException();
                }
                chosen = outs.get(idx);
            } catch (NumberFormatException e) {
                close();
                throw new DataException(file + ": --black-box-output '" + outputSelector
                        + "' is neither an output name nor an index; outputs: " + outs);
            }
        }
        this.output = chosen;
    }

    public static BlackBox open(Path model, String outputSelector, int column, int dimension) {
        try {
            return new BlackBox(model, outputSelector, column, dimension);
        } catch (OrtException e) {
            throw new DataException(model.getFileName() + ": ONNX Runtime cannot load the black box: "
                    + e.getMessage());
        }
    }

    public String outputName() {
        return output;
    }

    /** f on every row of {@code raw} (raw, unscaled features), batched. */
    public double[] predict(Rows raw) {
        double[] out = new double[raw.n];
        int batch = Math.max(1, Math.min(8192, MAX_BATCH_FLOATS / Math.max(1, dimension)));
        float[] buf = new float[Math.min(batch, Math.max(1, raw.n)) * dimension];
        try {
            for (int from = 0; from < raw.n; from += batch) {
                int to = Math.min(raw.n, from + batch);
                raw.toDenseFloat(from, to, buf);
                try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(buf, 0, (to - from) * dimension),
                        new long[]{to - from, dimension});
                     OrtSession.Result r = session.run(Map.of(input, t))) {
                    OnnxValue v = r.get(output).orElseThrow();
                    if (!(v instanceof OnnxTensor ot)) {
                        throw new DataException(file + ": output '" + output + "' is not a tensor (" + v.getInfo()
                                + "); choose another with --black-box-output");
                    }
                    long[] shape = ot.getInfo().getShape();
                    int cols = shape.length == 1 ? 1 : (int) shape[1];
                    if (shape.length > 2 || shape[0] != to - from) {
                        throw new DataException(file + ": output '" + output + "' has shape "
                                + java.util.Arrays.toString(shape) + ", expected [N], [N, 1] or [N, C]");
                    }
                    int c = cols == 1 ? 0 : column;
                    if (c < 0 || c >= cols) {
                        throw new DataException(file + ": output '" + output + "' has " + cols
                                + " columns; the explained column " + column + " is out of range");
                    }
                    if (ot.getInfo().type == OnnxJavaType.FLOAT) {
                        FloatBuffer fb = ot.getFloatBuffer();
                        for (int i = 0; i < to - from; i++) {
                            out[from + i] = fb.get(i * cols + c);
                        }
                    } else if (ot.getInfo().type == OnnxJavaType.DOUBLE) {
                        DoubleBuffer db = ot.getDoubleBuffer();
                        for (int i = 0; i < to - from; i++) {
                            out[from + i] = db.get(i * cols + c);
                        }
                    } else {
                        throw new DataException(file + ": output '" + output + "' is " + ot.getInfo().type
                                + ", expected float or double");
                    }
                }
            }
        } catch (OrtException e) {
            throw new DataException(file + ": ONNX Runtime failed: " + e.getMessage());
        }
        for (int i = 0; i < out.length; i++) {
            if (!Double.isFinite(out[i])) {
                throw new DataException(file + ": the black box returned " + out[i] + " for row " + i);
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // nothing more to do
        }
    }
}
