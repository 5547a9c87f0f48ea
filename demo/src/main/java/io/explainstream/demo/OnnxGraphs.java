package io.explainstream.demo;

import ai.onnx.proto.OnnxMl;

import java.util.ArrayList;
import java.util.List;

/**
 * Small ONNX models written with the ONNX protobuf classes: the stand-in black boxes and the stand-in L2E explainer
 * (see {@link StandInFitter}). IR version 8, opset 13, symbolic batch dimension "N".
 */
final class OnnxGraphs {
    private static final int FLOAT = OnnxMl.TensorProto.DataType.FLOAT.getNumber();

    private OnnxGraphs() {
    }

    /**
     * A tabular regressor on raw features: z = (x - center) / scale, y = [z, z²] · w + b.
     * Input {@code x} float[N, d]; output {@code y} float[N, 1] on the target's own scale.
     */
    static byte[] quadraticRegressor(double[] center, double[] scale, double[] w, double b) {
        int d = center.length;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("standin_quadratic_regressor");
        g.addInput(valueInfo("x", d));
        g.addInitializer(tensor("center", toFloat(center), d));
        g.addInitializer(tensor("scale", toFloat(scale), d));
        g.addInitializer(tensor("w", toFloat(w), 2L * d, 1));
        g.addInitializer(tensor("b", new float[]{(float) b}, 1));
        g.addNode(node("Sub", List.of("x", "center"), "xc"));
        g.addNode(node("Div", List.of("xc", "scale"), "z"));
        g.addNode(node("Mul", List.of("z", "z"), "z2"));
        g.addNode(concat(List.of("z", "z2"), "zz"));
        g.addNode(node("MatMul", List.of("zz", "w"), "lin"));
        g.addNode(node("Add", List.of("lin", "b"), "y"));
        g.addOutput(valueInfo("y", 1));
        return model(g);
    }

    /**
     * A bag-of-words logistic classifier: p = sigmoid(x · w + b). Input {@code x} float[N, V] (word counts);
     * output {@code probabilities} float[N, 2] = [1 - p, p].
     */
    static byte[] logisticClassifier(double[] w, double b) {
        int v = w.length;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("standin_logistic_classifier");
        g.addInput(valueInfo("x", v));
        g.addInitializer(tensor("w", toFloat(w), v, 1));
        g.addInitializer(tensor("b", new float[]{(float) b}, 1));
        g.addInitializer(tensor("one", new float[]{1f}, 1));
        g.addNode(node("MatMul", List.of("x", "w"), "lin"));
        g.addNode(node("Add", List.of("lin", "b"), "logit"));
        g.addNode(node("Sigmoid", List.of("logit"), "p1"));
        g.addNode(node("Sub", List.of("one", "p1"), "p0"));
        g.addNode(concat(List.of("p0", "p1"), "probabilities"));
        g.addOutput(valueInfo("probabilities", 2));
        return model(g);
    }

    /**
     * The stand-in L2E explainer: a global linear attribution, scores = x · w (elementwise), with the L2E input
     * contract (x float[N, d] scaled features, y float[N, 1] f in z-units; y enters as y · 0).
     */
    static byte[] linearExplainer(double[] w) {
        int d = w.length;
        OnnxMl.GraphProto.Builder g = OnnxMl.GraphProto.newBuilder().setName("standin_linear_explainer");
        g.addInput(valueInfo("x", d));
        g.addInput(valueInfo("y", 1));
        g.addInitializer(tensor("w", toFloat(w), d));
        g.addInitializer(tensor("zero", new float[]{0f}, 1));
        g.addNode(node("Mul", List.of("x", "w"), "xw"));
        g.addNode(node("Mul", List.of("y", "zero"), "y0"));
        g.addNode(node("Add", List.of("xw", "y0"), "scores"));
        g.addOutput(valueInfo("scores", d));
        return model(g);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            f[i] = (float) a[i];
        }
        return f;
    }

    private static byte[] model(OnnxMl.GraphProto.Builder graph) {
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("explainstream-demo")
                .setProducerVersion("1")
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    private static OnnxMl.NodeProto node(String op, List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType(op).setName(output + "_" + op.toLowerCase())
                .addAllInput(inputs).addOutput(output).build();
    }

    private static OnnxMl.NodeProto concat(List<String> inputs, String output) {
        return OnnxMl.NodeProto.newBuilder().setOpType("Concat").setName(output + "_concat").addAllInput(inputs)
                .addOutput(output)
                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis")
                        .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1))
                .build();
    }

    private static OnnxMl.TensorProto tensor(String name, float[] values, long... dims) {
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

    private static OnnxMl.ValueInfoProto valueInfo(String name, long width) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width));
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
                .build();
    }
}
