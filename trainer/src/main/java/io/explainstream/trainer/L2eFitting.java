package io.explainstream.trainer;

import io.explainstream.bundle.L2eSpec;
import io.explainstream.trainer.data.Rows;
import io.explainstream.trainer.l2e.DistilledExplainer;
import io.explainstream.trainer.l2e.Distiller;
import io.explainstream.trainer.l2e.Masks;
import io.explainstream.trainer.l2e.OnnxExport;
import io.explainstream.trainer.l2e.Teacher;
import io.explainstream.trainer.l2e.Teachers;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fit's L2E step: the teacher explains the predicted output of f on (a seeded sample of) the training and validation
 * splits, the explainer is distilled from it and exported to ONNX. For a classifier the predicted output is the
 * predicted class's probability, so the teacher's weights for p(explained class) are negated where the other class
 * is predicted.
 */
final class L2eFitting {
    /** L2E hyperparameters of fit. */
    record Options(String teacher, int samples, int maxTrain, int maxValidation, Integer hidden, int epochs) {
        Options {
            if (samples < 2) {
                throw new IllegalArgumentException("--l2e-samples must be at least 2, got " + samples);
            }
            if (maxTrain < 10) {
                throw new IllegalArgumentException("--l2e-max-train must be at least 10, got " + maxTrain);
            }
            if (epochs < 1) {
                throw new IllegalArgumentException("--l2e-epochs must be at least 1, got " + epochs);
            }
        }
    }

    /** The exported model, its spec and provenance. */
    record Made(Path onnx, L2eSpec spec, Map<String, Object> provenance) {
    }

    private L2eFitting() {
    }

    static int threads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    static Teacher teacher(Experiment ex, String name, int samples) {
        Rows background = ex.xTrain.select(firstRows(ex.xTrain.n, 100, ex.seed + 11));
        return Teachers.of(name, ex::fz, ex.text(), background, samples, threads());
    }

    static double[] sign(Experiment ex, double[] f) {
        double[] s = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            s[i] = ex.classification() && ex.prep.target.fromZ(f[i]) < 0.5 ? -1 : 1;
        }
        return s;
    }

    static Made run(Experiment ex, Options o, Path dir, PrintStream err) {
        long t0 = System.nanoTime();
        Teacher teacher = teacher(ex, o.teacher(), o.samples());
        Rows xTrain = ex.xTrain.select(firstRows(ex.xTrain.n, o.maxTrain(), ex.seed + 21));
        Rows xVal = ex.xVal.select(firstRows(ex.xVal.n, o.maxValidation(), ex.seed + 22));
        double[] fTrain = ex.fz(xTrain);
        double[] fVal = ex.fz(xVal);
        Rows wTrain = Masks.signed(teacher.explain(xTrain, ex.seed + 31), sign(ex, fTrain));
        Rows wVal = Masks.signed(teacher.explain(xVal, ex.seed + 32), sign(ex, fVal));
        double teacherSeconds = (System.nanoTime() - t0) / 1e9;
        err.printf("l2e: teacher %s (%d samples) explained %d training and %d validation rows in %.1f s%n",
                teacher.name(), o.samples(), xTrain.n, xVal.n, teacherSeconds);
        Distiller.Params p = (ex.text() ? Distiller.Params.text() : Distiller.Params.tabular()).withSeed(ex.seed)
                .withMaxEpochs(o.epochs());
        if (o.hidden() != null) {
            p = p.withHidden(o.hidden());
        }
        long td = System.nanoTime();
        float mirrorBelow = ex.classification() ? (float) ex.prep.target.toZ(0.5) : Float.NaN;
        DistilledExplainer model = Distiller.fit(xTrain, fTrain, wTrain, xVal, fVal, wVal, mirrorBelow, p, err);
        double distilSeconds = (System.nanoTime() - td) / 1e9;
        Path tmp = dir.resolve(".l2e-export");
        L2eSpec spec = OnnxExport.write(model, teacher.name(), tmp);
        Path onnx = tmp.resolve(spec.file());
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("teacher", teacher.name());
        prov.put("teacher_samples", o.samples());
        prov.put("teacher_queries_per_explanation", teacher.queriesPerExplanation());
        prov.put("train_rows", xTrain.n);
        prov.put("validation_rows", xVal.n);
        prov.put("explains", ex.classification() ? "the predicted class's probability" : "f");
        prov.put("mirror_below", ex.classification() ? mirrorBelow : "none");
        prov.put("teacher_seconds", teacherSeconds);
        prov.put("distil_seconds", distilSeconds);
        prov.put("params", Map.of("hidden", p.hidden(), "max_epochs", p.maxEpochs(), "batch_size", p.batchSize(),
                "learning_rate", p.learningRate(), "patience", p.patience(), "ranking_weight", p.rankingWeight(),
                "pairs_per_instance", p.pairsPerInstance(), "seed", p.seed(), "weight_decay", p.weightDecay()));
        prov.put("epochs", model.epochs());
        prov.put("best_epoch", model.bestEpoch());
        prov.put("best_validation_loss", model.bestValidationLoss());
        prov.put("parameters", model.parameterCount());
        prov.put("versions", Map.of("djl", "0.36.0", "pytorch", "2.7.1"));
        err.printf("l2e: distilled in %.1f s (%d epochs, best %d, validation loss %.4f); %s%n", distilSeconds,
                model.epochs(), model.bestEpoch(), model.bestValidationLoss(), spec.version());
        return new Made(onnx, spec, prov);
    }

    /** A seeded choice of at most {@code max} of n positions, sorted. */
    static int[] firstRows(int n, int max, long seed) {
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        if (n <= max) {
            return perm;
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < max; i++) {
            int j = i + r.nextInt(n - i);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int[] out = Arrays.copyOf(perm, max);
        Arrays.sort(out);
        return out;
    }
}
