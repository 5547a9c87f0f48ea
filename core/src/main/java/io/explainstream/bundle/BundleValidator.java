package io.explainstream.bundle;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks a bundle manifest for everything the stream relies on; each problem is named by its JSON path. */
public final class BundleValidator {
    private final List<String> problems = new ArrayList<>();

    private BundleValidator() {
    }

    /** Returns the problems found (empty when the bundle is servable); {@code directory} may be null. */
    public static List<String> problems(ModelBundle b, Path directory) {
        BundleValidator v = new BundleValidator();
        v.check(b, directory);
        return v.problems;
    }

    public static void validate(ModelBundle b, Path directory, String source) {
        List<String> found = problems(b, directory);
        if (!found.isEmpty()) {
            throw new InvalidBundleException(source, found);
        }
    }

    private void check(ModelBundle b, Path directory) {
        if (b.formatVersion() != ModelBundle.FORMAT_VERSION) {
            problem("formatVersion is " + b.formatVersion() + ", this version reads " + ModelBundle.FORMAT_VERSION);
        }
        text("modelId", b.modelId());
        text("version", b.version());
        present("task", b.task());
        int d = checkFeatures(b.features());
        checkScaler(b.scaler(), d, b.features() == null ? null : b.features().kind());
        checkTarget(b.target(), b.task());
        checkGime(b.gime(), d);
        checkRouting(b.routing());
        checkL2e(b.l2e(), directory);
    }

    private int checkFeatures(FeatureSpace f) {
        if (!present("features", f)) {
            return -1;
        }
        present("features.kind", f.kind());
        if (f.names() == null || f.names().isEmpty()) {
            problem("features.names is missing or empty");
            return -1;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < f.names().size(); i++) {
            String n = f.names().get(i);
            if (n == null || n.isEmpty()) {
                problem("features.names[" + i + "] is empty");
            } else if (!seen.add(n)) {
                problem("features.names[" + i + "] '" + n + "' is a duplicate");
            }
        }
        return f.names().size();
    }

    private void checkScaler(Scaler s, int d, FeatureKind kind) {
        if (!present("scaler", s)) {
            return;
        }
        if (s.scale() == null) {
            problem("scaler.scale is missing");
        } else {
            length("scaler.scale", s.scale().length, d);
            for (int i = 0; i < s.scale().length; i++) {
                if (!(Double.isFinite(s.scale()[i]) && s.scale()[i] > 0)) {
                    problem("scaler.scale[" + i + "] is " + s.scale()[i] + ", must be finite and > 0");
                }
            }
        }
        if (s.center() != null) {
            length("scaler.center", s.center().length, d);
            finite("scaler.center", s.center());
            if (kind == FeatureKind.TEXT) {
                problem("scaler.center must be absent for TEXT features (centering would densify sparse vectors)");
            }
        }
    }

    private void checkTarget(TargetScale t, Task task) {
        if (!present("target", t)) {
            return;
        }
        if (!Double.isFinite(t.mean())) {
            problem("target.mean is " + t.mean());
        }
        if (!(Double.isFinite(t.scale()) && t.scale() > 0)) {
            problem("target.scale is " + t.scale() + ", must be finite and > 0");
        }
        if (task == Task.CLASSIFICATION && (t.classLabels() == null || t.classLabels().size() < 2)) {
            problem("target.classLabels must name at least 2 classes for a CLASSIFICATION bundle");
        }
    }

    private void checkGime(GimeSpec g, int d) {
        if (!present("gime", g)) {
            return;
        }
        if (!(Double.isFinite(g.tau()) && g.tau() > 0)) {
            problem("gime.tau is " + g.tau() + ", must be finite and > 0");
        }
        if (g.groups() == null || g.groups().isEmpty()) {
            problem("gime.groups is missing or empty");
            return;
        }
        for (int k = 0; k < g.groups().size(); k++) {
            String at = "gime.groups[" + k + "]";
            GroupSpec grp = g.groups().get(k);
            if (!present(at, grp)) {
                continue;
            }
            if (grp.id() != k) {
                problem(at + ".id is " + grp.id() + ", expected " + k + " (ids are 0..K-1 in order)");
            }
            weights(at + ".region", grp.region(), d, true);
            weights(at + ".explanation", grp.explanation(), d, false);
            if (!Double.isFinite(grp.intercept())) {
                problem(at + ".intercept is " + grp.intercept());
            }
            if (grp.fidelityRmse() != null && !(Double.isFinite(grp.fidelityRmse()) && grp.fidelityRmse() >= 0)) {
                problem(at + ".fidelityRmse is " + grp.fidelityRmse());
            }
            if (grp.l2eShare() != null && !(grp.l2eShare() >= 0 && grp.l2eShare() <= 1)) {
                problem(at + ".l2eShare is " + grp.l2eShare() + ", must be in [0, 1]");
            }
        }
    }

    private void weights(String at, SparseWeights w, int d, boolean nonZero) {
        if (!present(at, w)) {
            return;
        }
        if (w.indices() == null || w.values() == null) {
            problem(at + " needs both indices and values");
            return;
        }
        length(at + ".values", w.values().length, w.indices().length);
        int previous = -1;
        for (int i = 0; i < w.indices().length; i++) {
            int idx = w.indices()[i];
            if (idx < 0 || (d > 0 && idx >= d)) {
                problem(at + ".indices[" + i + "] is " + idx + ", outside [0, " + d + ")");
            } else if (idx <= previous) {
                problem(at + ".indices[" + i + "] is " + idx + ", not strictly increasing");
            }
            previous = Math.max(previous, idx);
        }
        finite(at + ".values", w.values());
        if (nonZero) {
            double norm = 0;
            for (double v : w.values()) {
                norm += v * v;
            }
            if (norm == 0) {
                problem(at + " is the zero vector; a region needs a direction");
            }
        }
    }

    private void checkRouting(RoutingThresholds r) {
        if (!present("routing", r)) {
            return;
        }
        if (!(r.minPosterior() >= 0 && r.minPosterior() <= 1)) {
            problem("routing.minPosterior is " + r.minPosterior() + ", must be in [0, 1]");
        }
        if (!(r.maxResidual() >= 0) || Double.isNaN(r.maxResidual())) {
            problem("routing.maxResidual is " + r.maxResidual() + ", must be >= 0");
        }
        if (r.l2eShare() != null && !(r.l2eShare() >= 0 && r.l2eShare() <= 1)) {
            problem("routing.l2eShare is " + r.l2eShare() + ", must be in [0, 1]");
        }
    }

    private void checkL2e(L2eSpec l, Path directory) {
        if (l == null) {
            return;
        }
        text("l2e.file", l.file());
        text("l2e.version", l.version());
        text("l2e.inputFeatures", l.inputFeatures());
        text("l2e.inputPrediction", l.inputPrediction());
        text("l2e.outputScores", l.outputScores());
        if (l.inputIndices() != null) {
            text("l2e.inputIndices", l.inputIndices());
            if (l.inputIndices().equals(l.inputFeatures()) || l.inputIndices().equals(l.inputPrediction())) {
                problem("l2e.inputIndices '" + l.inputIndices() + "' names another input too");
            }
        }
        if (directory != null && l.file() != null && !l.file().isEmpty()) {
            Path f = directory.resolve(l.file()).normalize();
            if (!f.startsWith(directory.normalize())) {
                problem("l2e.file '" + l.file() + "' points outside the bundle folder");
            } else if (!Files.isRegularFile(f)) {
                problem("l2e.file '" + l.file() + "' does not exist in " + directory);
            }
        }
    }

    private boolean present(String at, Object o) {
        if (o == null) {
            problem(at + " is missing");
            return false;
        }
        return true;
    }

    private void text(String at, String s) {
        if (s == null || s.isBlank()) {
            problem(at + " is missing or empty");
        }
    }

    private void length(String at, int actual, int expected) {
        if (expected >= 0 && actual != expected) {
            problem(at + " has " + actual + " entries, expected " + expected);
        }
    }

    private void finite(String at, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                problem(at + "[" + i + "] is " + values[i]);
                return;
            }
        }
    }

    private void problem(String p) {
        problems.add(p);
    }
}
