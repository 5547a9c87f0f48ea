package io.explainstream.trainer.blackbox;

import ai.onnx.proto.OnnxMl;
import io.explainstream.trainer.data.Rows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small multilayer perceptron black box trained here in plain Java: one hidden layer of {@link #HIDDEN} ReLU
 * units on the scaled features (sparse rows are used as such), then a linear output. Regression: one output on the
 * z-scored target, mean squared error. Classification: C outputs and a softmax, cross-entropy. Mini-batch Adam
 * (He-initialised, seeded, one thread: deterministic for a seed) with early stopping on the validation loss (the
 * best epoch's weights are kept). Exported to ONNX (opset 13) from the weights, with the same contract as
 * {@link TribuoBlackBoxes}: input {@code features} float [N, d] of raw features, the scaler inside the graph,
 * output {@code prediction} [N, 1] on the target's own scale (regression) or [N, C] class probabilities.
 */
public final class MlpBlackBox {
    public static final int HIDDEN = 64;
    static final int BATCH = 32;
    static final int MAX_EPOCHS = 200;
    static final int PATIENCE = 10;
    static final double LR = 1e-3;

    /** The network's weights: w1 [d][h] row-major, b1 [h], w2 [h][c] row-major, b2 [c]. */
    public record Net(int d, int h, int c, boolean softmax, double[] w1, double[] b1, double[] w2, double[] b2,
                      int epochs) {
        /** Outputs at scaled row i: the z-scored prediction, or class probabilities; hidden gets the activations. */
        public double[] forward(Rows x, int i, double[] hidden) {
            System.arraycopy(b1, 0, hidden, 0, h);
            for (int q = x.ptr[i]; q < x.ptr[i + 1]; q++) {
                double v = x.val[q];
                int off = x.col[q] * h;
                for (int u = 0; u < h; u++) {
                    hidden[u] += v * w1[off + u];
                }
            }
            double[] out = b2.clone();
            for (int u = 0; u < h; u++) {
                hidden[u] = Math.max(0, hidden[u]);
                for (int k = 0; k < c; k++) {
                    out[k] += hidden[u] * w2[u * c + k];
                }
            }
            if (softmax) {
                double max = Arrays.stream(out).max().orElse(0);
                double sum = 0;
                for (int k = 0; k < c; k++) {
                    out[k] = Math.exp(out[k] - max);
                    sum += out[k];
                }
                for (int k = 0; k < c; k++) {
                    out[k] /= sum;
                }
            }
            return out;
        }

        /**
         * The ONNX graph: (features − center)/scale → MatMul, Add, Relu → MatMul, Add → Softmax (classification)
         * or ·yScale + yMean (regression) → {@code prediction}. Null center/scale: the input is used as is.
         */
        public OnnxMl.ModelProto toOnnx(double[] center, double[] scale, double yMean, double yScale) {
            OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("mlp");
            g.addInput(valueInfo(TribuoBlackBoxes.INPUT, d));
            String in = TribuoBlackBoxes.INPUT;
            if (center != null || scale != null) {
                g.addInitializer(tensor("center", center != null ? center : new double[d], d));
                g.addInitializer(tensor("scale", scale != null ? scale : ones(d), d));
                g.addNode(node("Sub", "centered", in, "center"));
                g.addNode(node("Div", "scaled", "centered", "scale"));
                in = "scaled";
            }
            g.addInitializer(tensor("W1", w1, d, h));
            g.addInitializer(tensor("B1", b1, h));
            g.addInitializer(tensor("W2", w2, h, c));
            g.addInitializer(tensor("B2", b2, c));
            g.addNode(node("MatMul", "xw", in, "W1"));
            g.addNode(node("Add", "pre", "xw", "B1"));
            g.addNode(node("Relu", "hid", "pre"));
            g.addNode(node("MatMul", "hw", "hid", "W2"));
            if (softmax) {
                g.addNode(node("Add", "logits", "hw", "B2"));
                g.addNode(node("Softmax", TribuoBlackBoxes.OUTPUT, "logits").toBuilder()
                        .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis").setI(1)
                                .setType(OnnxMl.AttributeProto.AttributeType.INT))
                        .build());
            } else {
                g.addInitializer(tensor("ymean", new double[]{yMean}, 1));
                g.addInitializer(tensor("yscale", new double[]{yScale}, 1));
                g.addNode(node("Add", "outz", "hw", "B2"));
                g.addNode(node("Mul", "outs", "outz", "yscale"));
                g.addNode(node("Add", TribuoBlackBoxes.OUTPUT, "outs", "ymean"));
            }
            g.addOutput(valueInfo(TribuoBlackBoxes.OUTPUT, c));
            return OnnxMl.ModelProto.newBuilder().setIrVersion(8).setProducerName("explainstream-trainer")
                    .setDocString("MLP black box (d=" + d + ", hidden=" + h + ", outputs=" + c + ")")
                    .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                    .setGraph(g).build();
        }

        /** Hyperparameters for provenance. */
        public Map<String, Object> params() {
            return Map.of("hidden", h, "activation", "relu", "loss", softmax ? "cross-entropy" : "mse",
                    "optimiser", "Adam(" + LR + ")", "batch", BATCH, "epochs", epochs, "library", "explainstream");
        }
    }

    private MlpBlackBox() {
    }

    /**
     * Trains on scaled rows: regression when {@code classes == 0} (targets {@code y}, z-scored), else
     * classification over {@code classes} labels ({@code y} holds the label index).
     */
    public static Net train(Rows x, double[] y, Rows xVal, double[] yVal, int classes, long seed) {
        int d = x.d;
        int h = HIDDEN;
        boolean cls = classes > 0;
        int c = cls ? classes : 1;
        SplittableRandom rnd = new SplittableRandom(seed * 7_777_777L + 3);
        double[] p = new double[d * h + h + h * c + c]; // all parameters: w1, b1, w2, b2
        double s1 = Math.sqrt(2.0 / Math.max(1, averageNnz(x)));
        double s2 = Math.sqrt(2.0 / h);
        for (int i = 0; i < d * h; i++) {
            p[i] = s1 * gaussian(rnd);
        }
        for (int i = 0; i < h * c; i++) {
            p[d * h + h + i] = s2 * gaussian(rnd);
        }
        double[] grad = new double[p.length];
        double[] m1 = new double[p.length];
        double[] m2 = new double[p.length];
        int[] order = new int[x.n];
        for (int i = 0; i < x.n; i++) {
            order[i] = i;
        }
        double[] best = p.clone();
        double bestLoss = loss(view(p, d, h, c, cls, 0), xVal, yVal);
        int bestEpoch = 0;
        long step = 0;
        double[] hid = new double[h];
        double[] dh = new double[h];
        for (int epoch = 1; epoch <= MAX_EPOCHS && epoch - bestEpoch <= PATIENCE; epoch++) {
            for (int i = x.n - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            for (int from = 0; from < x.n; from += BATCH) {
                int to = Math.min(x.n, from + BATCH);
                Arrays.fill(grad, 0);
                Net net = view(p, d, h, c, cls, 0);
                for (int b = from; b < to; b++) {
                    int i = order[b];
                    double[] out = net.forward(x, i, hid);
                    double scaleB = 1.0 / (to - from);
                    int ob = d * h + h + h * c;
                    for (int k = 0; k < c; k++) {
                        // d loss / d output pre-activation: softmax CE → p − onehot; MSE (½e²) → e
                        double g = cls ? out[k] - (k == (int) y[i] ? 1 : 0) : out[k] - y[i];
                        g *= scaleB;
                        grad[ob + k] += g;
                        for (int u = 0; u < h; u++) {
                            grad[d * h + h + u * c + k] += g * hid[u];
                        }
                    }
                    for (int u = 0; u < h; u++) {
                        double s = 0;
                        if (hid[u] > 0) {
                            for (int k = 0; k < c; k++) {
                                double g = cls ? out[k] - (k == (int) y[i] ? 1 : 0) : out[k] - y[i];
                                s += g * scaleB * p[d * h + h + u * c + k];
                            }
                        }
                        dh[u] = s;
                        grad[d * h + u] += s;
                    }
                    for (int q = x.ptr[i]; q < x.ptr[i + 1]; q++) {
                        double v = x.val[q];
                        int off = x.col[q] * h;
                        for (int u = 0; u < h; u++) {
                            grad[off + u] += v * dh[u];
                        }
                    }
                }
                step++;
                double bc1 = 1 - Math.pow(0.9, step);
                double bc2 = 1 - Math.pow(0.999, step);
                for (int q = 0; q < p.length; q++) {
                    double g = grad[q];
                    m1[q] = 0.9 * m1[q] + 0.1 * g;
                    m2[q] = 0.999 * m2[q] + 0.001 * g * g;
                    p[q] -= LR * (m1[q] / bc1) / (Math.sqrt(m2[q] / bc2) + 1e-8);
                }
            }
            double l = loss(view(p, d, h, c, cls, 0), xVal, yVal);
            if (l < bestLoss - 1e-9) {
                bestLoss = l;
                best = p.clone();
                bestEpoch = epoch;
            }
        }
        return view(best, d, h, c, cls, bestEpoch);
    }

    /** Mean validation loss (MSE, or cross-entropy). */
    static double loss(Net net, Rows x, double[] y) {
        double[] hid = new double[net.h()];
        double s = 0;
        for (int i = 0; i < x.n; i++) {
            double[] out = net.forward(x, i, hid);
            if (net.softmax()) {
                s -= Math.log(Math.max(1e-12, out[(int) y[i]]));
            } else {
                s += (out[0] - y[i]) * (out[0] - y[i]);
            }
        }
        return s / Math.max(1, x.n);
    }

    private static Net view(double[] p, int d, int h, int c, boolean cls, int epochs) {
        int a = d * h;
        return new Net(d, h, c, cls, Arrays.copyOfRange(p, 0, a), Arrays.copyOfRange(p, a, a + h),
                Arrays.copyOfRange(p, a + h, a + h + h * c), Arrays.copyOfRange(p, a + h + h * c, p.length), epochs);
    }

    private static double averageNnz(Rows x) {
        return x.n == 0 ? 1 : x.ptr[x.n] / (double) x.n;
    }

    private static double gaussian(SplittableRandom rnd) {
        return Math.sqrt(-2 * Math.log(1 - rnd.nextDouble())) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static double[] ones(int d) {
        double[] o = new double[d];
        Arrays.fill(o, 1);
        return o;
    }

    private static OnnxMl.NodeProto node(String op, String output, String... inputs) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output).addAllInput(List.of(inputs))
                .addOutput(output).build();
    }

    private static OnnxMl.TensorProto tensor(String name, double[] v, long... dims) {
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long dim : dims) {
            b.addDims(dim);
        }
        for (double x : v) {
            b.addFloatData((float) x);
        }
        return b.build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, long dim) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(dim)).build();
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }
}
