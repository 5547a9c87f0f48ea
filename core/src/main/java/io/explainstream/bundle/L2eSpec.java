package io.explainstream.bundle;

/**
 * The bundle's optional neural explainer, an ONNX model in the bundle folder.
 * Contract: input {@code inputFeatures} float[N, d] (scaled features), input {@code inputPrediction} float[N, 1]
 * (f(x) in z-units); output {@code outputScores} float[N, d] (a score per feature) and, when
 * {@code outputLabels} is set, float[N, d, 5] label logits in FeatureLabel order. N is dynamic.
 */
public record L2eSpec(String file, String version, String teacher, String inputFeatures, String inputPrediction,
                      String outputScores, String outputLabels) {
}
