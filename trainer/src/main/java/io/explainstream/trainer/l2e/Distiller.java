package io.explainstream.trainer.l2e;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.explainstream.explain.Label;
import io.explainstream.explain.Labels;
import io.explainstream.trainer.data.Rows;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;

import static io.explainstream.trainer.l2e.DistilledExplainer.ABSENT_NEUTRAL_LOGIT;
import static io.explainstream.trainer.l2e.DistilledExplainer.CHANNELS;
import static io.explainstream.trainer.l2e.DistilledExplainer.LABELS;
import static io.explainstream.trainer.l2e.DistilledExplainer.SCORE;

/**
 * Distils a teacher's attributions into a {@link DistilledExplainer} (the network documented there) with DJL on
 * PyTorch, CPU. Both of the L2E paper's formulations are trained jointly, loss = labelling + rankingWeight · ranking:
 * <ul>
 * <li>sequence labelling: mean, over the present features of the batch, of the cross-entropy of the 5 label logits
 *     against {@code Labels.of(the row's teacher weights)};</li>
 * <li>ranking: per row, {@code pairsPerInstance} pairs drawn uniformly from its present features plus one virtual
 *     feature with teacher weight 0 and score fixed at 0; a pair (i, j) with w_i &gt; w_j (signed; ties are skipped)
 *     costs −log(e^{s_i} / (e^{s_i} + e^{s_j})); mean over the batch's pairs. Within a sign this is the paper's
 *     order by |w|; the zero feature makes the score signed like w, as the serving side reads it.</li>
 * </ul>
 * Adam on minibatches of a seeded shuffle; the validation loss uses one fixed draw of pairs; training stops after
 * {@code patience} epochs without a lower validation loss and returns the best epoch's weights. Training evaluates
 * the network only at a row's stored features (O(nnz·h) a row), which is exact: absent features' outputs are
 * constants. Rows are sparse (presence = x ≠ 0) when any training row stores fewer than d features.
 *
 * <p>Reproducible for a given seed, data and PyTorch thread count. One fit or forward runs at a time per JVM.
 * Before the engine first starts, unset properties get defaults: {@code ai.djl.offline=true} (unless
 * {@code DJL_OFFLINE} is set), so libtorch is unpacked from the {@code pytorch-native-cpu} jar on the classpath into
 * {@code DJL_CACHE_DIR} (default ~/.djl.ai) and nothing is downloaded; {@code ai.djl.pytorch.num_threads} and
 * {@code ai.djl.pytorch.num_interop_threads} = 1, since minibatches are small and a busy machine makes PyTorch's
 * thread pool stall.
 */
public final class Distiller {
    private static final Object LOCK = new Object();
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private Distiller() {
    }

    /**
     * Training hyperparameters.
     *
     * @param hidden           context size h (≥ 1); 32 for tabular, 16 for text data by default
     * @param maxEpochs        most epochs (≥ 1)
     * @param batchSize        rows per minibatch (≥ 1)
     * @param learningRate     Adam step size (finite, &gt; 0)
     * @param patience         epochs without a better validation loss before stopping (≥ 1)
     * @param rankingWeight    weight of the ranking loss (finite, &gt; 0: only it trains the score)
     * @param pairsPerInstance ranking pairs drawn per row and epoch (≥ 1)
     * @param seed             seeds initialisation, shuffling, pair draws and the engine
     * @param weightDecay      decoupled weight decay per step, as a fraction of the learning rate (AdamW; ≥ 0)
     */
    public record Params(int hidden, int maxEpochs, int batchSize, double learningRate, int patience,
                         double rankingWeight, int pairsPerInstance, long seed, double weightDecay) {
        public Params(int hidden, int maxEpochs, int batchSize, double learningRate, int patience,
                      double rankingWeight, int pairsPerInstance, long seed) {
            this(hidden, maxEpochs, batchSize, learningRate, patience, rankingWeight, pairsPerInstance, seed, 0);
        }

        public Params {
            if (!(weightDecay >= 0) || !Double.isFinite(weightDecay)) {
                throw new IllegalArgumentException("weightDecay must be a finite number >= 0, was " + weightDecay);
            }
            atLeast("hidden", hidden, 1);
            atLeast("maxEpochs", maxEpochs, 1);
            atLeast("batchSize", batchSize, 1);
            atLeast("patience", patience, 1);
            atLeast("pairsPerInstance", pairsPerInstance, 1);
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new IllegalArgumentException("learningRate must be a finite number > 0, was " + learningRate);
            }
            if (!(rankingWeight > 0) || !Double.isFinite(rankingWeight)) {
                throw new IllegalArgumentException("rankingWeight must be a finite number > 0 (only the ranking loss "
                        + "trains the score), was " + rankingWeight);
            }
        }

        private static void atLeast(String name, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", was " + value);
            }
        }

        /** Defaults for dense tabular data: hidden 32, 60 epochs, batch 64, lr 3e-3, patience 5, weight 1, 16 pairs. */
        public static Params tabular() {
            return new Params(32, 60, 64, 3e-3, 5, 1.0, 16, 1L);
        }

        /**
         * Defaults for bag-of-words data: as {@link #tabular()} with hidden 4 and weight decay 0.01 — a word's own
         * terms carry most of its label, and thousands of words seen a few times each overfit a larger context.
         */
        public static Params text() {
            return tabular().withHidden(4).withWeightDecay(0.01);
        }

        public Params withWeightDecay(double wd) {
            return new Params(hidden, maxEpochs, batchSize, learningRate, patience, rankingWeight, pairsPerInstance,
                    seed, wd);
        }

        public Params withHidden(int h) {
            return new Params(h, maxEpochs, batchSize, learningRate, patience, rankingWeight, pairsPerInstance, seed,
                    weightDecay);
        }

        public Params withMaxEpochs(int e) {
            return new Params(hidden, e, batchSize, learningRate, patience, rankingWeight, pairsPerInstance, seed,
                    weightDecay);
        }

        public Params withSeed(long s) {
            return new Params(hidden, maxEpochs, batchSize, learningRate, patience, rankingWeight, pairsPerInstance, s,
                    weightDecay);
        }
    }

    /**
     * The network's outputs for n rows, dense.
     *
     * @param scores      index i·d + j
     * @param labelLogits index (i·d + j)·5 + k, k in {@link Label} order
     */
    public record Outputs(int n, int d, float[] scores, float[] labelLogits) {
        public Label label(int i, int j) {
            return Label.values()[argmax(labelLogits, (i * d + j) * LABELS)];
        }
    }

    /**
     * Trains an explainer.
     *
     * @param xTrain   scaled features
     * @param yTrain   f(x) in z-units (a probability for classification), one per row
     * @param wTrain   teacher attributions with the CSR structure of {@code xTrain}
     * @param progress one line per epoch (epoch, train loss, validation loss, validation label accuracy); null: none
     * @throws IllegalArgumentException shapes disagree or a value is not finite
     */
    public static DistilledExplainer fit(Rows xTrain, double[] yTrain, Rows wTrain, Rows xVal, double[] yVal,
                                         Rows wVal, Params p, PrintStream progress) {
        return fit(xTrain, yTrain, wTrain, xVal, yVal, wVal, Float.NaN, p, progress);
    }

    /**
     * Trains an explainer that mirrors its outputs for rows with ŷ below {@code mirrorBelow} (see
     * {@link DistilledExplainer}); the teacher weights stay those of the predicted output, as in
     * {@link #fit(Rows, double[], Rows, Rows, double[], Rows, Params, PrintStream)}.
     *
     * @param mirrorBelow a finite threshold on ŷ (binary classifiers: ŷ of probability 0.5), or NaN: never mirror
     */
    public static DistilledExplainer fit(Rows xTrain, double[] yTrain, Rows wTrain, Rows xVal, double[] yVal,
                                         Rows wVal, float mirrorBelow, Params p, PrintStream progress) {
        if (Float.isInfinite(mirrorBelow)) {
            throw new IllegalArgumentException("mirrorBelow must be finite or NaN, was " + mirrorBelow);
        }
        long t0 = System.nanoTime();
        if (p == null) {
            throw new IllegalArgumentException("params are required");
        }
        check("train", xTrain, yTrain, wTrain);
        check("validation", xVal, yVal, wVal);
        if (xVal.d != xTrain.d) {
            throw new IllegalArgumentException("validation rows have " + xVal.d + " features, training rows "
                    + xTrain.d);
        }
        if (xTrain.n == 0 || xVal.n == 0) {
            throw new IllegalArgumentException("training and validation need rows, have " + xTrain.n + " and "
                    + xVal.n);
        }
        boolean sparse = false;
        for (int i = 0; i < xTrain.n && !sparse; i++) {
            sparse = xTrain.nnz(i) < xTrain.d;
        }
        Slots train = new Slots(xTrain, yTrain, wTrain, sparse);
        Slots val = new Slots(xVal, yVal, wVal, sparse);
        int d = xTrain.d;
        int h = p.hidden();
        synchronized (LOCK) {
            Engine engine = engine();
            engine.setRandomSeed((int) p.seed());
            try (NDManager root = engine.newBaseManager()) {
                Net net = new Net(root, init(d, h, train.meanSlots(), sparse, mirrorBelow, p.seed()));
                net.trainable();
                Random shuffler = new Random(p.seed() + 1);
                SplittableRandom pairs = new SplittableRandom(p.seed() + 2);
                Batch[] valBatches = batches(val, identity(val.n), p.batchSize(), p.pairsPerInstance(),
                        new SplittableRandom(p.seed() + 3));
                int[] order = identity(train.n);
                double best = Double.POSITIVE_INFINITY;
                DistilledExplainer bestModel = null;
                int bestEpoch = 0;
                int epoch = 0;
                int since = 0;
                while (epoch < p.maxEpochs() && since < p.patience()) {
                    epoch++;
                    long e0 = System.nanoTime();
                    shuffle(order, shuffler);
                    double trainSum = 0;
                    int trainBatches = 0;
                    for (int from = 0; from < train.n; from += p.batchSize()) {
                        Batch batch = new Batch(train, order, from, Math.min(train.n, from + p.batchSize()),
                                p.pairsPerInstance(), pairs);
                        double l = net.step(batch, p);
                        if (!Double.isNaN(l)) {
                            trainSum += l;
                            trainBatches++;
                        }
                    }
                    double[] v = net.evaluate(valBatches, p.rankingWeight());
                    double trainLoss = trainSum / Math.max(1, trainBatches);
                    if (!Double.isFinite(trainLoss) || !Double.isFinite(v[0])) {
                        throw new IllegalStateException("training diverged at epoch " + epoch + " (train loss "
                                + trainLoss + ", validation loss " + v[0] + "); lower the learning rate");
                    }
                    if (v[0] < best) {
                        best = v[0];
                        bestEpoch = epoch;
                        bestModel = net.snapshot(sparse);
                        since = 0;
                    } else {
                        since++;
                    }
                    if (progress != null) {
                        progress.printf(Locale.ROOT, "epoch %d/%d  train loss %.4f  validation loss %.4f  "
                                        + "validation label accuracy %.4f  (%.1f s)%s%n", epoch, p.maxEpochs(),
                                trainLoss, v[0], v[1], (System.nanoTime() - e0) / 1e9, since == 0 ? "  *" : "");
                    }
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                DistilledExplainer m = bestModel;
                return new DistilledExplainer(d, h, sparse, mirrorBelow, m.e(), m.u(), m.b(), m.p(), m.q(), m.a(),
                        m.r(), epoch, bestEpoch, best, seconds);
            }
        }
    }

    /** The network's outputs on rows x with predictions y, computed with DJL as in training. */
    public static Outputs forward(DistilledExplainer m, Rows x, double[] y) {
        if (x.d != m.d()) {
            throw new IllegalArgumentException("rows have " + x.d + " features, the explainer " + m.d());
        }
        if (y.length != x.n) {
            throw new IllegalArgumentException("rows: " + x.n + ", predictions: " + y.length);
        }
        Slots s = new Slots(x, y, null, m.sparse());
        int d = m.d();
        float[] scores = new float[Math.multiplyExact(x.n, d)];
        float[] logits = new float[Math.multiplyExact(scores.length, LABELS)];
        for (int k = Label.NEUTRAL.ordinal(); k < logits.length; k += LABELS) {
            logits[k] = ABSENT_NEUTRAL_LOGIT;
        }
        int[] rows = identity(x.n);
        synchronized (LOCK) {
            try (NDManager root = engine().newBaseManager()) {
                Net net = new Net(root, m);
                for (int from = 0; from < x.n; from += 64) {
                    Batch batch = new Batch(s, rows, from, Math.min(x.n, from + 64), 0, null);
                    float[] out;
                    try (NDManager bm = root.newSubManager()) {
                        bm.tempAttachAll(net.params);
                        out = net.forward(bm, batch).toFloatArray();
                    }
                    for (int bi = 0; bi < batch.rows; bi++) {
                        int i = from + bi;
                        for (int sl = 0; sl < batch.len; sl++) {
                            int at = bi * batch.len + sl;
                            if (batch.present[at] == 0) {
                                continue;
                            }
                            int j = (int) batch.idx[at];
                            scores[i * d + j] = out[at * CHANNELS + SCORE];
                            System.arraycopy(out, at * CHANNELS, logits, (i * d + j) * LABELS, LABELS);
                        }
                    }
                }
            }
        }
        return new Outputs(x.n, d, scores, logits);
    }

    private static Engine engine() {
        if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        for (String threads : new String[]{"ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads"}) {
            if (System.getProperty(threads) == null) {
                System.setProperty(threads, "1");
            }
        }
        Engine engine = Engine.getEngine("PyTorch");
        if (engine == null) {
            throw new IllegalStateException("the DJL PyTorch engine is not on the classpath");
        }
        return engine;
    }

    private static void check(String what, Rows x, double[] y, Rows w) {
        if (x == null || y == null || w == null) {
            throw new IllegalArgumentException(what + ": features, predictions and teacher weights are required");
        }
        if (y.length != x.n) {
            throw new IllegalArgumentException(what + ": " + x.n + " rows but " + y.length + " predictions");
        }
        if (w.d != x.d || !Arrays.equals(w.ptr, x.ptr) || !Arrays.equals(w.col, x.col)) {
            throw new IllegalArgumentException(what + ": the teacher weights must have the features' CSR structure "
                    + "(same width, row pointers and columns)");
        }
        for (int i = 0; i < y.length; i++) {
            if (!Double.isFinite(y[i])) {
                throw new IllegalArgumentException(what + ": prediction " + i + " is " + y[i]);
            }
        }
        for (int k = 0; k < x.val.length; k++) {
            if (!Double.isFinite(x.val[k]) || !Double.isFinite(w.val[k])) {
                throw new IllegalArgumentException(what + ": a feature value or teacher weight is not finite (row "
                        + rowOf(x, k) + ")");
            }
        }
    }

    private static int rowOf(Rows x, int k) {
        int i = Arrays.binarySearch(x.ptr, k);
        if (i < 0) {
            return -i - 2;
        }
        while (i + 1 < x.ptr.length && x.ptr[i + 1] == k) {
            i++;
        }
        return i;
    }

    private static DistilledExplainer init(int d, int h, double meanSlots, boolean sparse, float mirrorBelow,
                                           long seed) {
        Random rng = new Random(seed);
        float[] e = gaussian(rng, d * h, 1 / Math.sqrt(Math.max(1, meanSlots)));
        float[] u = gaussian(rng, h, 1);
        float[] p = gaussian(rng, d * CHANNELS * h, 1 / Math.sqrt(h));
        float[] q = gaussian(rng, d * CHANNELS * h, 1 / Math.sqrt(h));
        return new DistilledExplainer(d, h, sparse, mirrorBelow, e, u, new float[h], p, q, new float[d * CHANNELS],
                new float[d * CHANNELS], 0, 0, Double.NaN, 0);
    }

    private static float[] gaussian(Random rng, int n, double std) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextGaussian() * std);
        }
        return v;
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static Batch[] batches(Slots s, int[] rows, int size, int pairs, SplittableRandom rng) {
        Batch[] out = new Batch[(s.n + size - 1) / size];
        for (int k = 0; k < out.length; k++) {
            out[k] = new Batch(s, rows, k * size, Math.min(s.n, (k + 1) * size), pairs, rng);
        }
        return out;
    }

    static int argmax(float[] v, int base) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int k = 0; k < LABELS; k++) {
            float x = v[base + k];
            if (!Float.isNaN(x) && (best < 0 || x > bestValue)) {
                best = k;
                bestValue = x;
            }
        }
        return best < 0 ? Label.NEUTRAL.ordinal() : best;
    }

    /** Every row's stored features (sparse) or all d features (dense), flattened, with targets. */
    private static final class Slots {
        final int n;
        final int[] start;
        final int[] col;
        final float[] x;
        final float[] w;
        final byte[] label;
        final float[] y;
        final boolean sparse;

        Slots(Rows xs, double[] ys, Rows ws, boolean sparse) {
            n = xs.n;
            this.sparse = sparse;
            start = new int[n + 1];
            for (int i = 0; i < n; i++) {
                start[i + 1] = start[i] + (sparse ? xs.nnz(i) : xs.d);
            }
            int total = start[n];
            col = new int[total];
            x = new float[total];
            w = ws == null ? null : new float[total];
            label = ws == null ? null : new byte[total];
            y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = (float) ys[i];
                double[] wr;
                if (sparse) {
                    int len = xs.nnz(i);
                    System.arraycopy(xs.col, xs.ptr[i], col, start[i], len);
                    for (int k = 0; k < len; k++) {
                        x[start[i] + k] = (float) xs.val[xs.ptr[i] + k];
                    }
                    wr = ws == null ? null : Arrays.copyOfRange(ws.val, ws.ptr[i], ws.ptr[i + 1]);
                } else {
                    double[] xr = xs.denseRow(i);
                    for (int j = 0; j < xs.d; j++) {
                        col[start[i] + j] = j;
                        x[start[i] + j] = (float) xr[j];
                    }
                    wr = ws == null ? null : ws.denseRow(i);
                }
                if (wr != null) {
                    Label[] l = Labels.of(wr);
                    for (int k = 0; k < wr.length; k++) {
                        w[start[i] + k] = (float) wr[k];
                        label[start[i] + k] = (byte) l[k].ordinal();
                    }
                }
            }
        }

        double meanSlots() {
            return n == 0 ? 1 : (double) start[n] / n;
        }
    }

    /** One minibatch: rows padded to the longest, as the arrays the network reads. */
    private static final class Batch {
        final int rows;
        final int len;
        final int pairs;
        final long[] idx;
        final float[] x;
        final float[] present;
        final float[] y;
        final long[] target;
        final long[] hi;
        final long[] lo;
        final float[] pairMask;
        final int presentCount;
        final int pairCount;

        Batch(Slots s, int[] order, int from, int to, int pairsPerRow, SplittableRandom rng) {
            rows = to - from;
            int l = 1;
            for (int k = from; k < to; k++) {
                l = Math.max(l, s.start[order[k] + 1] - s.start[order[k]]);
            }
            len = l;
            pairs = s.w == null ? 0 : pairsPerRow;
            idx = new long[rows * len];
            x = new float[rows * len];
            present = new float[rows * len];
            y = new float[rows];
            target = new long[rows * len];
            hi = new long[rows * pairs];
            lo = new long[rows * pairs];
            pairMask = new float[rows * pairs];
            int count = 0;
            int pc = 0;
            int[] pos = new int[len];
            for (int b = 0; b < rows; b++) {
                int i = order[from + b];
                y[b] = s.y[i];
                int m = 0;
                for (int k = s.start[i]; k < s.start[i + 1]; k++) {
                    int at = b * len + (k - s.start[i]);
                    idx[at] = s.col[k];
                    x[at] = s.x[k];
                    boolean on = !s.sparse || s.x[k] != 0;
                    present[at] = on ? 1 : 0;
                    target[at] = s.label == null ? Label.NEUTRAL.ordinal() : s.label[k];
                    if (on) {
                        pos[m++] = k - s.start[i];
                        count++;
                    }
                }
                for (int t = 0; t < pairs && m > 0; t++) {
                    int c1 = rng.nextInt(m + 1);
                    int c2 = rng.nextInt(m);
                    if (c2 >= c1) {
                        c2++;
                    }
                    int s1 = c1 == m ? len : pos[c1];
                    int s2 = c2 == m ? len : pos[c2];
                    float w1 = s1 == len ? 0 : s.w[s.start[i] + s1];
                    float w2 = s2 == len ? 0 : s.w[s.start[i] + s2];
                    if (w1 == w2) {
                        continue;
                    }
                    int at = b * pairs + t;
                    hi[at] = w1 > w2 ? s1 : s2;
                    lo[at] = w1 > w2 ? s2 : s1;
                    pairMask[at] = 1;
                    pc++;
                }
            }
            presentCount = count;
            pairCount = pc;
        }
    }

    /** o·MIRROR reverses the label logits and negates the score (row-major [C, C]). */
    static final float[] MIRROR = mirror();

    private static float[] mirror() {
        float[] m = new float[CHANNELS * CHANNELS];
        for (int k = 0; k < LABELS; k++) {
            m[k * CHANNELS + (LABELS - 1 - k)] = 1;
        }
        m[SCORE * CHANNELS + SCORE] = -1;
        return m;
    }

    /** The network's parameters as DJL arrays, its forward pass, loss and Adam. */
    private static final class Net {
        final int d;
        final int h;
        final float mirrorBelow;
        final NDArray e;
        final NDArray u;
        final NDArray b;
        final NDArray p;
        final NDArray q;
        final NDArray a;
        final NDArray r;
        final NDArray[] params;
        NDArray[] m1;
        NDArray[] m2;
        int steps;

        Net(NDManager root, DistilledExplainer m) {
            d = m.d();
            h = m.hidden();
            mirrorBelow = m.mirrorBelow();
            e = root.create(m.e(), new Shape(d, h));
            u = root.create(m.u(), new Shape(1, h));
            b = root.create(m.b(), new Shape(h));
            p = root.create(m.p(), new Shape(d, (long) CHANNELS * h));
            q = root.create(m.q(), new Shape(d, (long) CHANNELS * h));
            a = root.create(m.a(), new Shape(d, CHANNELS));
            r = root.create(m.r(), new Shape(d, CHANNELS));
            params = new NDArray[]{e, u, b, p, q, a, r};
        }

        void trainable() {
            m1 = new NDArray[params.length];
            m2 = new NDArray[params.length];
            for (int i = 0; i < params.length; i++) {
                params[i].setRequiresGradient(true);
                m1[i] = params[i].zerosLike();
                m2[i] = params[i].zerosLike();
            }
        }

        NDArray forward(NDManager bm, Batch t) {
            int n = t.rows;
            int len = t.len;
            long bl = (long) n * len;
            NDArray idx = bm.create(t.idx, new Shape(bl, 1));
            NDArray x3 = bm.create(t.x, new Shape(n, len, 1));
            NDArray y = bm.create(t.y, new Shape(n, 1));
            NDArray eg = e.gather(idx.broadcast(new Shape(bl, h)), 0).reshape(n, len, h);
            NDArray c = eg.mul(x3).sum(new int[]{1}).add(y.matMul(u)).add(b).tanh().reshape(n, h, 1);
            Shape wide = new Shape(bl, (long) CHANNELS * h);
            NDArray cp = p.gather(idx.broadcast(wide), 0).reshape(n, (long) len * CHANNELS, h).matMul(c)
                    .reshape(n, len, CHANNELS);
            NDArray cq = q.gather(idx.broadcast(wide), 0).reshape(n, (long) len * CHANNELS, h).matMul(c)
                    .reshape(n, len, CHANNELS);
            Shape narrow = new Shape(bl, CHANNELS);
            NDArray ag = a.gather(idx.broadcast(narrow), 0).reshape(n, len, CHANNELS);
            NDArray rg = r.gather(idx.broadcast(narrow), 0).reshape(n, len, CHANNELS);
            NDArray out = x3.mul(cp.add(ag)).add(cq).add(rg);
            if (Float.isNaN(mirrorBelow)) {
                return out;
            }
            NDArray mirrored = out.reshape(bl, CHANNELS).matMul(bm.create(MIRROR, new Shape(CHANNELS, CHANNELS)))
                    .reshape(n, len, CHANNELS);
            NDArray below = y.lt(mirrorBelow).reshape(n, 1, 1).broadcast(new Shape(n, len, CHANNELS));
            return NDArrays.where(below, mirrored, out);
        }

        /** {summed labelling loss over present features, summed ranking loss over pairs or null when none}. */
        NDArray[] losses(NDManager bm, Batch t, NDArray out) {
            int n = t.rows;
            int len = t.len;
            NDArray present = bm.create(t.present, new Shape(n, len));
            NDArray logp = out.get(":, :, 0:" + LABELS).logSoftmax(2);
            NDArray picked = logp.gather(bm.create(t.target, new Shape(n, len, 1)), 2).reshape(n, len);
            NDArray ce = picked.mul(present).sum().neg();
            NDArray rank = null;
            if (t.pairCount > 0) {
                NDArray s = out.get(":, :, " + SCORE).concat(bm.zeros(new Shape(n, 1)), 1);
                NDArray vh = s.gather(bm.create(t.hi, new Shape(n, t.pairs)), 1);
                NDArray vl = s.gather(bm.create(t.lo, new Shape(n, t.pairs)), 1);
                NDArray nll = NDArrays.stack(new NDList(vh, vl), 2).logSoftmax(2).get(":, :, 0").neg();
                rank = nll.mul(bm.create(t.pairMask, new Shape(n, t.pairs))).sum();
            }
            return new NDArray[]{ce, rank};
        }

        double step(Batch t, Params prm) {
            if (t.presentCount == 0) {
                return Double.NaN;
            }
            double loss;
            try (NDManager bm = p.getManager().newSubManager()) {
                bm.tempAttachAll(params);
                bm.tempAttachAll(m1);
                bm.tempAttachAll(m2);
                try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray out = forward(bm, t);
                    NDArray[] l = losses(bm, t, out);
                    NDArray total = l[0].div((float) t.presentCount);
                    if (l[1] != null) {
                        total = total.add(l[1].mul((float) (prm.rankingWeight() / t.pairCount)));
                    }
                    loss = total.getFloat();
                    gc.backward(total);
                }
                adam(prm.learningRate(), prm.weightDecay());
            }
            return loss;
        }

        private void adam(double lr, double weightDecay) {
            steps++;
            float c1 = (float) (1 - Math.pow(BETA1, steps));
            float c2 = (float) (1 - Math.pow(BETA2, steps));
            for (int i = 0; i < params.length; i++) {
                NDArray g = params[i].getGradient();
                m1[i].muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
                m2[i].muli((float) BETA2).addi(g.square().muli((float) (1 - BETA2)));
                NDArray denom = m2[i].div(c2).sqrt().addi((float) EPSILON);
                if (weightDecay > 0) {
                    params[i].muli((float) (1 - lr * weightDecay));
                }
                params[i].subi(m1[i].div(c1).divi(denom).muli((float) lr));
                g.muli(0f);
            }
        }

        /** {validation loss, label accuracy on present features}. */
        double[] evaluate(Batch[] batches, double rankingWeight) {
            double ce = 0;
            double rank = 0;
            long present = 0;
            long pairs = 0;
            long correct = 0;
            for (Batch t : batches) {
                try (NDManager bm = p.getManager().newSubManager()) {
                    bm.tempAttachAll(params);
                    NDArray out = forward(bm, t);
                    NDArray[] l = losses(bm, t, out);
                    ce += l[0].getFloat();
                    rank += l[1] == null ? 0 : l[1].getFloat();
                    present += t.presentCount;
                    pairs += t.pairCount;
                    float[] o = out.toFloatArray();
                    for (int at = 0; at < t.present.length; at++) {
                        if (t.present[at] != 0 && argmax(o, at * CHANNELS) == t.target[at]) {
                            correct++;
                        }
                    }
                }
            }
            double loss = ce / Math.max(1, present) + rankingWeight * rank / Math.max(1, pairs);
            return new double[]{loss, (double) correct / Math.max(1, present)};
        }

        DistilledExplainer snapshot(boolean sparse) {
            return new DistilledExplainer(d, h, sparse, mirrorBelow, e.toFloatArray(), u.toFloatArray(),
                    b.toFloatArray(), p.toFloatArray(), q.toFloatArray(), a.toFloatArray(), r.toFloatArray(), 0, 0,
                    Double.NaN, 0);
        }
    }
}
