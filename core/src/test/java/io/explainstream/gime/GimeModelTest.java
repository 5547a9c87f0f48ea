package io.explainstream.gime;

import io.explainstream.bundle.Bundles;
import io.explainstream.bundle.ModelBundle;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GimeModelTest {
    private final ModelBundle bundle = Bundles.valid();
    private final GimeModel model = GimeModel.of(bundle);

    @Test
    void shouldMatchTheSoftmaxDefinition() {
        Workspace ws = model.newWorkspace();
        Random r = new Random(7);
        for (int t = 0; t < 100; t++) {
            float[] raw = {(float) r.nextGaussian() * 3, (float) r.nextGaussian() * 3, (float) r.nextGaussian() * 3};
            model.assignDense(raw, ws);
            double[] x = new double[3];
            for (int j = 0; j < 3; j++) {
                x[j] = (raw[j] - bundle.scaler().center()[j]) / bundle.scaler().scale()[j];
            }
            double xn = Math.sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
            double l0 = 2.0 * (x[0] + x[1]) / (Math.sqrt(2) * xn);
            double l1 = 2.0 * (-x[2]) / xn;
            double p0 = Math.exp(l0) / (Math.exp(l0) + Math.exp(l1));
            int k = p0 >= 0.5 ? 0 : 1;
            assertEquals(k, ws.group());
            assertEquals(Math.max(p0, 1 - p0), ws.posterior(), 1e-12);
            assertEquals(1 - k, ws.runnerUp());
            assertEquals(Math.min(p0, 1 - p0), ws.runnerUpPosterior(), 1e-12);
            double g = k == 0 ? 0.1 + 0.5 * x[0] : -0.1 + 0.3 * x[1] - 0.2 * x[2];
            assertEquals(g, ws.surrogateZ(), 1e-12);
        }
    }

    @Test
    void shouldGiveSparseAndDenseVectorsTheSameResult() {
        Workspace dense = model.newWorkspace();
        Workspace sparse = model.newWorkspace();
        model.assignDense(new float[]{0, 5, 0}, dense);
        model.assignDense(new float[]{9, 9, 9}, sparse);
        model.assignSparse(new int[]{1}, new float[]{5}, 1, sparse);
        assertEquals(dense.group(), sparse.group());
        assertEquals(dense.posterior(), sparse.posterior(), 0.0);
        assertEquals(dense.surrogateZ(), sparse.surrogateZ(), 0.0);
        for (int j = 0; j < 3; j++) {
            assertEquals(dense.scaled(j), sparse.scaled(j), 0.0);
        }
    }

    @Test
    void shouldReportAZeroDirection() {
        Workspace ws = model.newWorkspace();
        model.assignDense(new float[]{0, 1, 2}, ws);
        assertEquals(0.0, ws.norm());
        assertEquals(-1, ws.group());
    }

    @Test
    void shouldRouteByEachThreshold() {
        Router r = new Router(0.6, 1.5);
        assertEquals(Route.NONE, r.route(0.7, 1.0));
        assertEquals(Route.LOW_POSTERIOR, r.route(0.5, 1.0));
        assertEquals(Route.HIGH_RESIDUAL, r.route(0.7, 2.0));
        assertEquals(Route.LOW_POSTERIOR, r.route(0.5, 2.0));
    }
}
