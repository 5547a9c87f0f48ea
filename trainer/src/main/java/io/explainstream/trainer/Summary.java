package io.explainstream.trainer;

import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.bundle.SparseWeights;
import io.explainstream.trainer.gime.GimeFitter;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The human-readable group summary (like the paper's Figure 2). */
final class Summary {
    private Summary() {
    }

    /** The top entries of a sparse vector by |value| as "+name 0.42". */
    static List<String> top(SparseWeights w, List<String> names, int count, boolean signOnly) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < w.size(); i++) {
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(Math.abs(w.values()[b]), Math.abs(w.values()[a])));
        List<String> out = new ArrayList<>();
        for (int q = 0; q < Math.min(count, order.size()); q++) {
            int i = order.get(q);
            double v = w.values()[i];
            String name = names.get(w.indices()[i]);
            out.add(signOnly ? (v >= 0 ? "+" : "-") + name + String.format(Locale.ROOT, " (%.2f)", Math.abs(v))
                    : String.format(Locale.ROOT, "%s %+.3f", name, v));
        }
        return out;
    }

    static void print(PrintStream out, ModelBundle b, Experiment ex, Double[] groupRmse, GimeFitter.Result res) {
        out.printf(Locale.ROOT, "GIME %s: K=%d, tau=%.2f, validation generalized-fidelity RMSE %.4f "
                        + "(z-units of f), fit %.3f s%n", b.modelId(), b.groupCount(), b.gime().tau(),
                res.validationRmse(), res.seconds());
        int topN = ex.text() ? 8 : 5;
        for (GroupSpec g : b.gime().groups()) {
            out.printf(Locale.ROOT, "G%d  size %d  fidelity %s  L2E share %s%n", g.id() + 1, g.trainSize(),
                    g.fidelityRmse() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", g.fidelityRmse()),
                    g.l2eShare() == null ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * g.l2eShare()));
            out.println("    region:      " + String.join(", ", top(g.region(), b.features().names(), topN, true)));
            out.println("    explanation: " + String.join(", ", top(g.explanation(), b.features().names(), topN,
                    false)) + String.format(Locale.ROOT, ", intercept %+.3f", g.intercept()));
        }
        out.printf(Locale.ROOT, "routing: minPosterior %.3f, maxResidual %.3f (%.1f%% of validation routed to L2E)%n",
                b.routing().minPosterior(), b.routing().maxResidual(),
                100 * (b.routing().l2eShare() == null ? 0 : b.routing().l2eShare()));
    }
}
