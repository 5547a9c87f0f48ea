package io.explainstream.app.topology;

import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.SparseFeatures;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builders of prediction events for tests. */
public final class Events {
    private Events() {
    }

    public static PredictionEvent dense(String id, String modelId, float[] values, double score) {
        List<Float> v = new ArrayList<>();
        for (float f : values) {
            v.add(f);
        }
        return new PredictionEvent(id, modelId, "v1", 1_700_000_000_000L,
                new DenseFeatures(v), new Prediction(score, null, null), Map.of("origin", "test"));
    }

    public static PredictionEvent sparse(String id, String modelId, int size, int[] idx, float[] values,
                                         double score) {
        List<Integer> i = new ArrayList<>();
        for (int x : idx) {
            i.add(x);
        }
        List<Float> v = new ArrayList<>();
        for (float f : values) {
            v.add(f);
        }
        return new PredictionEvent(id, modelId, "v1", 1_700_000_000_000L,
                new SparseFeatures(size, i, v), new Prediction(score, null, null), Map.of());
    }
}
