package io.explainstream.trainer.report;

import io.explainstream.bundle.GroupSpec;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.trainer.Experiment;
import io.explainstream.trainer.gime.GimeFitter;
import io.explainstream.trainer.gime.GroupModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** report.html: the group summary and three inline SVG plots (no scripts, no external resources). */
public final class Report {
    private Report() {
    }

    public static void write(Path file, ModelBundle b, Experiment ex, GroupModel model, Double[] groupRmse,
                             GimeFitter.Result res, List<double[]> kSweep, double[] posterior, double[] valSse) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>GIME report: ").append(esc(b.modelId()))
                .append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1000px}"
                        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "vertical-align:top;font-size:13px}.pos{color:#1a7f37}.neg{color:#cf222e}"
                        + "svg{margin:1em 1em 0 0}</style></head><body>");
        h.append("<h1>GIME groups: ").append(esc(b.modelId())).append("</h1>");
        h.append(String.format(Locale.ROOT, "<p>Bundle version <code>%s</code>, %s, K=%d, &tau;=%.2f. "
                        + "Validation generalized-fidelity RMSE <b>%.4f</b> (z-units of f); fit %.3f s "
                        + "(best restart %d, round %d).</p>", esc(b.version()), b.task(), b.groupCount(),
                b.gime().tau(), res.validationRmse(), res.seconds(), res.restart() + 1, res.round()));
        h.append("<table><tr><th>group</th><th>size (train)</th><th>fidelity RMSE (validation)</th>"
                + "<th>region &phi; (top features, sign)</th><th>explanation &theta; (top weights)</th></tr>");
        List<String> names = b.features().names();
        for (GroupSpec g : b.gime().groups()) {
            h.append("<tr><td>G").append(g.id() + 1).append("</td><td>").append(g.trainSize()).append("</td><td>")
                    .append(g.fidelityRmse() == null ? "n/a" : String.format(Locale.ROOT, "%.3f", g.fidelityRmse()))
                    .append("</td><td>").append(weights(g.region().indices(), g.region().values(), names))
                    .append("</td><td>").append(weights(g.explanation().indices(), g.explanation().values(), names))
                    .append(String.format(Locale.ROOT, "<br>intercept %+.3f", g.intercept())).append("</td></tr>");
        }
        h.append("</table><h2>Plots</h2>");
        List<String> labels = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int k = 0; k < groupRmse.length; k++) {
            labels.add("G" + (k + 1));
            values.add(groupRmse[k] == null ? 0 : groupRmse[k]);
        }
        h.append(Svg.bars("Fidelity per group (validation RMSE)", labels, values));
        if (!kSweep.isEmpty()) {
            double[] xs = kSweep.stream().mapToDouble(a -> a[0]).toArray();
            double[] ys = kSweep.stream().mapToDouble(a -> a[1]).toArray();
            h.append(Svg.line("Fidelity vs K (validation RMSE)", "K", xs, ys));
        }
        // coverage: instances with the highest posterior first
        int n = posterior.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, c) -> Double.compare(posterior[c], posterior[a]));
        double[] cx = new double[10];
        double[] cy = new double[10];
        for (int c = 1; c <= 10; c++) {
            int take = Math.max(1, (int) Math.round(n * c / 10.0));
            double s = 0;
            for (int q = 0; q < take; q++) {
                s += valSse[order[q]];
            }
            cx[c - 1] = 10 * c;
            cy[c - 1] = Math.sqrt(s / (take * (double) ex.m));
        }
        h.append(Svg.line("Fidelity vs coverage (validation RMSE)", "coverage %", cx, cy));
        h.append("<p>Generalized fidelity: for each instance, ").append(ex.m).append(" neighbours, the group of the "
                + "highest posterior, RMSE of g<sub>k</sub>(z) against f(z) in z-units of f. Test-split numbers "
                + "come from <code>explainstream evaluate --bundle</code>.</p></body></html>\n");
        try {
            Files.writeString(file, h.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String weights(int[] idx, double[] val, List<String> names) {
        Integer[] order = new Integer[idx.length];
        for (int i = 0; i < idx.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(Math.abs(val[b]), Math.abs(val[a])));
        StringBuilder s = new StringBuilder();
        for (int q = 0; q < Math.min(8, idx.length); q++) {
            int i = order[q];
            s.append(String.format(Locale.ROOT, "<span class=\"%s\">%s %+.3f</span><br>", val[i] >= 0 ? "pos" : "neg",
                    esc(names.get(idx[i])), val[i]));
        }
        return s.toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
