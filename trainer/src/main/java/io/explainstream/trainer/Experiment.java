package io.explainstream.trainer;

import io.explainstream.bundle.FeatureKind;
import io.explainstream.trainer.blackbox.BlackBox;
import io.explainstream.trainer.data.Prepared;
import io.explainstream.trainer.data.Rows;
import io.explainstream.trainer.gime.FitProblem;
import io.explainstream.trainer.gime.Neighbourhoods;

import java.util.ArrayList;
import java.util.List;

/**
 * The shared setting of fit and evaluate: the prepared data, the black box (ONNX Runtime) and the seeded
 * neighbourhoods of the training and validation splits. Instances whose scaled vector is zero (no direction,
 * e.g. a sentence without any vocabulary word) are left out and counted.
 */
public final class Experiment {
    public final Prepared prep;
    public final BlackBox blackBox;
    public final long seed;
    public final int m;
    public final double sigma;
    public final double kernelWidth;
    public final int[] train;
    public final int[] validation;
    public final int[] test;
    public final int zeroRows;
    public final Rows xTrain;
    public final Rows xVal;
    public final Rows xTest;
    public final Rows zTrain;
    public final double[] fTrain;
    public final double[] wTrain;
    public final Rows zVal;
    public final double[] fVal;
    /** The class whose probability f is (classification), else null. */
    public final String explainedClass;

    public Experiment(Prepared prep, BlackBox blackBox, String explainedClass, long seed, int m, double sigma,
                      double kernelWidth) {
        this.explainedClass = explainedClass;
        this.prep = prep;
        this.blackBox = blackBox;
        this.seed = seed;
        this.m = m;
        this.sigma = sigma;
        this.kernelWidth = kernelWidth;
        int[] zeros = new int[1];
        train = nonZero(prep.split.train(), zeros);
        validation = nonZero(prep.split.validation(), zeros);
        test = nonZero(prep.split.test(), zeros);
        zeroRows = zeros[0];
        xTrain = prep.scaled.select(train);
        xVal = prep.scaled.select(validation);
        xTest = prep.scaled.select(test);
        zTrain = Neighbourhoods.sample(xTrain, m, sigma, text(), seed * 31 + 1);
        fTrain = fz(zTrain);
        wTrain = kernelWidth > 0 ? Neighbourhoods.kernel(xTrain, zTrain, m, kernelWidth, text()) : null;
        zVal = Neighbourhoods.sample(xVal, m, sigma, text(), seed * 31 + 2);
        fVal = fz(zVal);
    }

    public boolean text() {
        return prep.kind() == FeatureKind.TEXT;
    }

    public boolean classification() {
        return prep.data.classification();
    }

    private int[] nonZero(int[] idx, int[] zeros) {
        List<Integer> keep = new ArrayList<>();
        for (int i : idx) {
            if (prep.scaled.norm(i) > 0) {
                keep.add(i);
            } else {
                zeros[0]++;
            }
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    /** f in z-units at scaled rows (the black box sees the raw features). */
    public double[] fz(Rows scaled) {
        Rows raw = prep.center == null && allOnes(prep.scale) ? scaled
                : scaled.affine(prep.center, prep.scale, true);
        double[] f = blackBox.predict(raw);
        for (int i = 0; i < f.length; i++) {
            f[i] = prep.target.toZ(f[i]);
        }
        return f;
    }

    private static boolean allOnes(double[] s) {
        for (double v : s) {
            if (v != 1.0) {
                return false;
            }
        }
        return true;
    }

    public FitProblem problem() {
        return new FitProblem(xTrain, zTrain, fTrain, wTrain, m, xVal, zVal, fVal, m, text());
    }

    /** Fresh test neighbourhoods for evaluation draw r. */
    public Rows testNeighbourhoods(int draw) {
        return Neighbourhoods.sample(xTest, m, sigma, text(), seed * 31 + 100 + draw);
    }
}
