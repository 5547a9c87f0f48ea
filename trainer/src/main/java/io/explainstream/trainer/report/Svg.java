package io.explainstream.trainer.report;

import java.util.List;
import java.util.Locale;

/** Minimal inline SVG charts. */
final class Svg {
    private static final int W = 460;
    private static final int H = 260;
    private static final int L = 50;
    private static final int B = 40;
    private static final int T = 30;

    private Svg() {
    }

    static String bars(String title, List<String> labels, List<Double> values) {
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        max = max <= 0 ? 1 : max * 1.1;
        StringBuilder s = frame(title, 0, max);
        int n = labels.size();
        double bw = (W - L - 10) / (double) Math.max(1, n);
        for (int i = 0; i < n; i++) {
            double v = values.get(i);
            double h = (H - T - B) * v / max;
            double x = L + i * bw + bw * 0.15;
            s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"#4c78a8\"><title>%s: %.4f</title></rect>", x, H - B - h, bw * 0.7, h,
                    Report.esc(labels.get(i)), v));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">"
                    + "%s</text>", x + bw * 0.35, H - B + 14, Report.esc(labels.get(i))));
        }
        return s.append("</svg>").toString();
    }

    static String line(String title, String xLabel, double[] xs, double[] ys) {
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (double y : ys) {
            ymin = Math.min(ymin, y);
            ymax = Math.max(ymax, y);
        }
        double pad = Math.max(1e-6, (ymax - ymin) * 0.1);
        ymin = Math.max(0, ymin - pad);
        ymax = ymax + pad;
        StringBuilder s = frame(title, ymin, ymax);
        double xmin = xs[0];
        double xmax = xs[xs.length - 1] == xmin ? xmin + 1 : xs[xs.length - 1];
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            double px = L + (W - L - 20) * (xs[i] - xmin) / (xmax - xmin);
            double py = H - B - (H - T - B) * (ys[i] - ymin) / (ymax - ymin);
            pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#e45756\">"
                    + "<title>%s=%s: %.4f</title></circle>", px, py, xLabel, fmt(xs[i]), ys[i]));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">"
                    + "%s</text>", px, H - B + 14, fmt(xs[i])));
        }
        s.append("<polyline fill=\"none\" stroke=\"#e45756\" stroke-width=\"2\" points=\"").append(pts).append("\"/>");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>",
                (W + L) / 2, H - 6, Report.esc(xLabel)));
        return s.append("</svg>").toString();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static StringBuilder frame(String title, double ymin, double ymax) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" role=\"img\"><title>%s</title>", W, H, W, H, Report.esc(title)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"18\" font-size=\"13\" font-weight=\"bold\">%s</text>",
                L, Report.esc(title)));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
                L, T, L, H - B));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
                L, H - B, W - 10, H - B));
        for (int t = 0; t <= 4; t++) {
            double v = ymin + (ymax - ymin) * t / 4;
            double y = H - B - (H - T - B) * t / 4.0;
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%.3f"
                    + "</text><line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>", L - 4, y + 3, v,
                    L, y, W - 10, y));
        }
        return s;
    }
}
