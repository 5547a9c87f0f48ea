package io.explainstream.loadtest;

import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.FeatureKind;
import io.explainstream.bundle.FeatureSpace;
import io.explainstream.bundle.GimeSpec;
import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.RoutingThresholds;
import io.explainstream.bundle.Scaler;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.bundle.TargetScale;
import io.explainstream.bundle.Task;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.SparseFeatures;
import io.explainstream.testkit.TestOnnxModels;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A synthetic model and its events: K groups over d features (dense, or a sparse vocabulary with nnz words per
 * event), regions and explanations with s non-zeros as GIME fits them, a linear ONNX explainer for the L2E stage,
 * and the routing threshold calibrated on a sample of the events so that {@code l2eShare} of them go to L2E.
 * Scores follow the assigned group's surrogate plus noise, so residuals are small, as for a well-fitted bundle.
 */
public final class SyntheticWorkload {
    public static final String MODEL_ID = "loadtest-model";
    public static final String INTENDED_AT = "loadtest.intended-us";

    private final int dimension;
    private final boolean sparse;
    private final int nnz;
    private final ModelBundle bundle;
    private final GimeModel model;
    private final Random random;
    private Workspace scratch;

    private SyntheticWorkload(int dimension, boolean sparse, int nnz, int groups, double l2eShare, long seed) {
        this.dimension = dimension;
        this.sparse = sparse;
        this.nnz = nnz;
        this.random = new Random(seed);
        int s = sparse ? 50 : 5;
        ModelBundle draft = bundle(groups, Math.min(s, dimension), new RoutingThresholds(0, Double.MAX_VALUE));
        GimeModel m = GimeModel.of(draft);
        Workspace ws = m.newWorkspace();
        double[] posteriors = new double[2000];
        for (int i = 0; i < posteriors.length; i++) {
            assign(m, next(i, 0).getFeatures(), ws);
            posteriors[i] = ws.posterior();
        }
        Arrays.sort(posteriors);
        double threshold = l2eShare <= 0 ? 0 : posteriors[(int) Math.min(posteriors.length - 1,
                Math.round(l2eShare * posteriors.length))];
        this.bundle = draft.withRouting(new RoutingThresholds(threshold, 3.0));
        this.model = GimeModel.of(bundle);
    }

    public static SyntheticWorkload dense(int dimension, int groups, double l2eShare, long seed) {
        return new SyntheticWorkload(dimension, false, dimension, groups, l2eShare, seed);
    }

    public static SyntheticWorkload sparse(int vocabulary, int nnz, int groups, double l2eShare, long seed) {
        return new SyntheticWorkload(vocabulary, true, nnz, groups, l2eShare, seed);
    }

    /** Writes the bundle, with its L2E explainer, into {@code dir}. */
    public LoadedBundle write(Path dir) throws IOException {
        float[] w = new float[dimension];
        for (int j = 0; j < dimension; j++) {
            w[j] = (float) random.nextGaussian();
        }
        Path onnx = TestOnnxModels.writeLinearExplainer(dir.resolve("l2e-source.onnx"), dimension, w, false);
        return BundleIo.write(bundle.withL2e(TestOnnxModels.spec("l2e.onnx", false)), dir.resolve("bundle"), onnx);
    }

    public ModelBundle bundle() {
        return bundle;
    }

    /** Event number {@code i}, stamped with the time it is meant to be sent (epoch microseconds). */
    public PredictionEvent next(long i, long intendedMicros) {
        Object features;
        float[] dense = null;
        if (sparse) {
            int[] idx = random.ints(0, dimension).distinct().limit(nnz).sorted().toArray();
            List<Integer> indices = new ArrayList<>(nnz);
            List<Float> values = new ArrayList<>(nnz);
            for (int j : idx) {
                indices.add(j);
                values.add((float) (1 + random.nextInt(3)));
            }
            features = new SparseFeatures(dimension, indices, values);
        } else {
            dense = new float[dimension];
            List<Float> values = new ArrayList<>(dimension);
            for (int j = 0; j < dimension; j++) {
                dense[j] = (float) random.nextGaussian();
                values.add(dense[j]);
            }
            features = new DenseFeatures(values);
        }
        double score = random.nextGaussian() * 0.1;
        if (model != null) {
            if (scratch == null) {
                scratch = model.newWorkspace();
            }
            assign(model, features, scratch);
            score = model.target().fromZ(scratch.surrogateZ() + random.nextGaussian() * 0.1);
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put(INTENDED_AT, Long.toString(intendedMicros));
        return new PredictionEvent("lt-" + i, MODEL_ID, "1", intendedMicros / 1000, features,
                new Prediction(score, null, null), attributes);
    }

    private void assign(GimeModel m, Object features, Workspace ws) {
        if (features instanceof DenseFeatures d) {
            float[] v = new float[dimension];
            for (int j = 0; j < dimension; j++) {
                v[j] = d.getValues().get(j);
            }
            m.assignDense(v, ws);
        } else {
            SparseFeatures s = (SparseFeatures) features;
            int[] idx = s.getIndices().stream().mapToInt(Integer::intValue).toArray();
            float[] v = new float[idx.length];
            for (int j = 0; j < idx.length; j++) {
                v[j] = s.getValues().get(j);
            }
            m.assignSparse(idx, v, idx.length, ws);
        }
    }

    private ModelBundle bundle(int groups, int s, RoutingThresholds routing) {
        List<String> names = new ArrayList<>(dimension);
        for (int j = 0; j < dimension; j++) {
            names.add((sparse ? "w" : "f") + j);
        }
        List<GroupSpec> specs = new ArrayList<>(groups);
        for (int k = 0; k < groups; k++) {
            specs.add(new GroupSpec(k, weights(s), weights(s), random.nextGaussian() * 0.1, 1000, 0.1));
        }
        double[] scale = new double[dimension];
        Arrays.fill(scale, 1.0);
        Scaler scaler = sparse ? new Scaler(null, scale) : new Scaler(new double[dimension], scale);
        return new ModelBundle(ModelBundle.FORMAT_VERSION, MODEL_ID, "loadtest-1", Task.REGRESSION,
                new FeatureSpace(sparse ? FeatureKind.TEXT : FeatureKind.TABULAR, names), scaler,
                new TargetScale(0, 1, null), new GimeSpec(4.0, specs), routing, null, Map.of("source", "loadtest"));
    }

    private SparseWeights weights(int s) {
        int[] idx = random.ints(0, dimension).distinct().limit(s).sorted().toArray();
        double[] v = new double[s];
        for (int i = 0; i < s; i++) {
            v[i] = random.nextGaussian();
        }
        return new SparseWeights(idx, v);
    }
}
