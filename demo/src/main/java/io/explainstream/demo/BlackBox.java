package io.explainstream.demo;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The black box f of a demo bundle, {@code blackbox.onnx}, queried with ONNX Runtime (CPU). Contract: one float input
 * [N, d] with the raw features as the events carry them (word counts for text); the first float output is either
 * [N, 1] / [N] (f on the model's own scale: a regression value, or the positive class's probability) or [N, C]
 * (class probabilities in the bundle's {@code target.classLabels} order). The bundle's provenance may say otherwise:
 * {@code blackBox.input = "scaled"} (the model expects the bundle scaler's output) and {@code blackBox.output = "z"}
 * (it returns f in z-units).
 */
final class BlackBox implements AutoCloseable {
    public static final String FILE = "blackbox.onnx";

    /** One prediction: the explained score, the predicted label and the class probabilities (classifiers). */
    record Output(double score, String label, double[] probabilities) {
    }

    private final OrtSession session;
    private final String input;
    private final ModelBundle model;
    private final boolean scaledInput;
    private final boolean zOutput;

    BlackBox(LoadedBundle bundle) {
        Path file = bundle.directory().resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException("the demo bundle " + bundle.directory() + " has no " + FILE
                    + " (the black box whose predictions the demo explains)");
        }
        this.model = bundle.model();
        Object bb = model.provenance() == null ? null : model.provenance().get("blackBox");
        Map<?, ?> spec = bb instanceof Map<?, ?> m ? m : Map.of();
        this.scaledInput = "scaled".equals(spec.get("input"));
        this.zOutput = "z".equals(spec.get("output"));
        try {
            OrtEnvironment env = environment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(1);
            this.session = env.createSession(file.toString(), options);
            this.input = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot load the black box " + file + ": " + e.getMessage(), e);
        }
    }

    /** The JVM's one ONNX Runtime environment, with the level and name the L2E stage asks for (no warning). */
    private static OrtEnvironment environment() {
        return OrtEnvironment.getEnvironment(ai.onnxruntime.OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                "explainstream-l2e");
    }

    /** f for each row of raw features. */
    List<Output> predict(List<float[]> rows) {
        int n = rows.size();
        int d = model.dimension();
        FloatBuffer buf = FloatBuffer.allocate(n * d);
        for (float[] raw : rows) {
            for (int j = 0; j < d; j++) {
                float v = raw[j];
                if (scaledInput) {
                    double c = model.scaler().centers() ? model.scaler().center()[j] : 0;
                    v = (float) ((v - c) / model.scaler().scale()[j]);
                }
                buf.put(v);
            }
        }
        buf.flip();
        try (OnnxTensor x = OnnxTensor.createTensor(environment(), buf, new long[]{n, d});
             OrtSession.Result result = session.run(Map.of(input, x))) {
            for (Map.Entry<String, OnnxValue> e : result) {
                if (e.getValue() instanceof OnnxTensor t && t.getInfo().type
                        == ai.onnxruntime.OnnxJavaType.FLOAT) {
                    return decode(t, n);
                }
            }
            throw new IllegalStateException("the black box has no float tensor output");
        } catch (OrtException e) {
            throw new IllegalStateException("black box inference failed: " + e.getMessage(), e);
        }
    }

    private List<Output> decode(OnnxTensor t, int n) throws OrtException {
        long[] shape = t.getInfo().getShape();
        float[] flat = new float[(int) t.getInfo().getNumElements()];
        t.getFloatBuffer().get(flat);
        int c = shape.length == 1 ? 1 : (int) shape[1];
        List<String> labels = model.target().classLabels();
        Output[] out = new Output[n];
        for (int i = 0; i < n; i++) {
            if (c == 1) {
                double f = flat[i];
                if (zOutput) {
                    f = model.target().fromZ(f);
                }
                String label = null;
                if (labels != null && labels.size() == 2) {
                    label = labels.get(f >= 0.5 ? 1 : 0);
                }
                out[i] = new Output(f, label, null);
            } else {
                double[] p = new double[c];
                int best = 0;
                for (int k = 0; k < c; k++) {
                    p[k] = flat[i * c + k];
                    if (p[k] > p[best]) {
                        best = k;
                    }
                }
                // binary: the positive (second) class's probability, as the bundle's surrogates explain it
                double score = c == 2 ? p[1] : p[best];
                String label = labels != null && labels.size() == c ? labels.get(best) : Integer.toString(best);
                out[i] = new Output(score, label, p);
            }
        }
        return List.of(out);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing anyway
        }
    }
}
