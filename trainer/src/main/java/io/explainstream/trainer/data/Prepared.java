package io.explainstream.trainer.data;

import io.explainstream.bundle.FeatureKind;
import io.explainstream.bundle.TargetScale;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Data loaded, split and scaled exactly as at fit time: the same code path for fit and evaluate.
 * Tabular features are z-scored with training means and standard deviations (ddof=1); text is word presence
 * with unit scale and no centering. The target is z-scored with training statistics for regression.
 */
public final class Prepared {
    public final DataOptions options;
    public final Dataset data;
    public final Split split;
    public final double[] center;
    public final double[] scale;
    public final Rows scaled;
    public final TargetScale target;
    public final String fingerprint;

    private Prepared(DataOptions options, Dataset data, Split split, double[] center, double[] scale,
                     TargetScale target, String fingerprint) {
        this.options = options;
        this.data = data;
        this.split = split;
        this.center = center;
        this.scale = scale;
        this.scaled = data.x().affine(center, scale, false);
        this.target = target;
        this.fingerprint = fingerprint;
    }

    public FeatureKind kind() {
        return data.kind();
    }

    public static Prepared load(DataOptions o, long seed) {
        if (!Files.isRegularFile(o.path())) {
            throw new DataException(o.path() + ": no such file");
        }
        String fp = sha256(o.path());
        if (o.text()) {
            TextCorpus corpus = TextCorpus.load(o.path());
            Split split = Split.of(corpus.size(), seed);
            Dataset ds = corpus.vectorize(corpus.vocabulary(split.train(), o.minCount(), o.maxVocab()));
            double[] scale = new double[ds.dimension()];
            java.util.Arrays.fill(scale, 1.0);
            return new Prepared(o, ds, split, null, scale, new TargetScale(0, 1, ds.classLabels()), fp);
        }
        if (o.target() == null) {
            throw new DataException(o.path().getFileName() + ": tabular data needs --target COLUMN");
        }
        Dataset ds = CsvLoader.load(o.path(), o.delimiter(), o.target(), o.drop());
        Split split = Split.of(ds.size(), seed);
        int d = ds.dimension();
        double[] mean = new double[d];
        double[] sd = new double[d];
        int n = split.train().length;
        for (int i : split.train()) {
            for (int j = 0; j < d; j++) {
                mean[j] += ds.x().val[i * d + j] / n;
            }
        }
        for (int i : split.train()) {
            for (int j = 0; j < d; j++) {
                double v = ds.x().val[i * d + j] - mean[j];
                sd[j] += v * v / (n - 1);
            }
        }
        for (int j = 0; j < d; j++) {
            sd[j] = Math.sqrt(sd[j]);
            if (!(sd[j] > 1e-12)) {
                ds.warnings().add(ds.source() + ": column '" + ds.names().get(j)
                        + "' is constant on the training split; it is kept unscaled");
                sd[j] = 1.0;
            }
        }
        double ym = 0;
        double ys = 0;
        for (int i : split.train()) {
            ym += ds.y()[i] / n;
        }
        for (int i : split.train()) {
            ys += (ds.y()[i] - ym) * (ds.y()[i] - ym) / (n - 1);
        }
        ys = Math.sqrt(ys);
        if (!(ys > 0)) {
            throw new DataException(ds.source() + ": the target '" + o.target() + "' is constant on the training split");
        }
        return new Prepared(o, ds, split, mean, sd, new TargetScale(ym, ys, null), fp);
    }

    public static String sha256(java.nio.file.Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int r;
            while ((r = in.read(buf)) > 0) {
                md.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new DataException(p + ": cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
