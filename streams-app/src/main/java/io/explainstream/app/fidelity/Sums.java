package io.explainstream.app.fidelity;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/** Additive sums of one group's observations over one window; partial sums of several tasks merge by addition. */
public final class Sums {
    static final int BYTES = 7 * 8;
    long count;
    double sumSquares;
    double sumPosterior;
    long covered;
    long routed;
    long labelled;
    long agreed;

    void add(Observation o) {
        add(o.residual(), o.posterior(), o.covered(), o.routed(), o.agree());
    }

    void add(double residual, double posterior, boolean isCovered, boolean isRouted, byte agree) {
        count++;
        sumSquares += residual * residual;
        sumPosterior += posterior;
        covered += isCovered ? 1 : 0;
        routed += isRouted ? 1 : 0;
        if (agree != Observation.NO_LABEL) {
            labelled++;
            agreed += agree == Observation.AGREE ? 1 : 0;
        }
    }

    void add(Sums o) {
        count += o.count;
        sumSquares += o.sumSquares;
        sumPosterior += o.sumPosterior;
        covered += o.covered;
        routed += o.routed;
        labelled += o.labelled;
        agreed += o.agreed;
    }

    public long count() {
        return count;
    }

    public double rmse() {
        return count == 0 ? 0 : Math.sqrt(sumSquares / count);
    }

    public double coverage() {
        return count == 0 ? 0 : (double) covered / count;
    }

    public double l2eShare() {
        return count == 0 ? 0 : (double) routed / count;
    }

    public double meanPosterior() {
        return count == 0 ? 0 : sumPosterior / count;
    }

    /** Null when no event carried a label (regression). */
    public Double labelAgreement() {
        return labelled == 0 ? null : (double) agreed / labelled;
    }

    void write(ByteBuffer b) {
        b.putLong(count).putDouble(sumSquares).putDouble(sumPosterior).putLong(covered).putLong(routed)
                .putLong(labelled).putLong(agreed);
    }

    static Sums read(ByteBuffer b) {
        Sums s = new Sums();
        s.count = b.getLong();
        s.sumSquares = b.getDouble();
        s.sumPosterior = b.getDouble();
        s.covered = b.getLong();
        s.routed = b.getLong();
        s.labelled = b.getLong();
        s.agreed = b.getLong();
        return s;
    }

    public static Serde<Sums> serde() {
        Serializer<Sums> ser = (topic, s) -> {
            if (s == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.allocate(BYTES);
            s.write(b);
            return b.array();
        };
        Deserializer<Sums> de = (topic, bytes) -> bytes == null ? null : read(ByteBuffer.wrap(bytes));
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(ser, de);
    }
}
