package io.explainstream.trainer.l2e;

import io.explainstream.trainer.data.Rows;

import java.util.Locale;

/** Builds a teacher by name: lime (at most {@value #LIME_FEATURES} features, default width), kernelshap, occlusion. */
public final class Teachers {
    public static final int LIME_FEATURES = 10;

    private Teachers() {
    }

    /** background: training rows (Kernel SHAP, tabular); samples: per-explanation budget (LIME, Kernel SHAP). */
    public static Teacher of(String name, Oracle oracle, boolean text, Rows background, int samples, int threads) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "lime" -> new LimeTeacher(oracle, text, samples, 0, LIME_FEATURES, threads);
            case "kernelshap" -> new KernelShapTeacher(oracle, text, background, samples, threads);
            case "occlusion" -> new OcclusionTeacher(oracle, text, threads);
            default -> throw new IllegalArgumentException(
                    "teacher must be one of lime, kernelshap, occlusion, got '" + name + "'");
        };
    }
}
