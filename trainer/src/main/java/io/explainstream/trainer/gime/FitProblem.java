package io.explainstream.trainer.gime;

import io.explainstream.trainer.data.Rows;

/**
 * What GIME is fitted on: training instances x (scaled) with m neighbours each (rows i·m..i·m+m-1 of z),
 * f at each neighbour in z-units, neighbour weights w (null: unweighted); and the validation instances and
 * neighbourhoods used to keep the best round.
 */
public record FitProblem(Rows x, Rows z, double[] f, double[] w, int m,
                         Rows xVal, Rows zVal, double[] fVal, int mVal, boolean text) {

    /** Generalized fidelity on validation: RMSE of g_{argmax k(x)}(z) against f(z), and per-instance SSE. */
    public double validationRmse(GroupModel model, double[] perInstanceSse) {
        int[] a = model.assignAll(xVal);
        double sse = 0;
        for (int i = 0; i < xVal.n; i++) {
            Linear g = model.theta()[a[i]];
            double s = 0;
            for (int j = 0; j < mVal; j++) {
                int r = i * mVal + j;
                double e = g.apply(zVal, r) - fVal[r];
                s += e * e;
            }
            if (perInstanceSse != null) {
                perInstanceSse[i] = s;
            }
            sse += s;
        }
        return Math.sqrt(sse / ((double) xVal.n * mVal));
    }
}
