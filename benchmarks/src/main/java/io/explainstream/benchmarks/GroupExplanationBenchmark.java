package io.explainstream.benchmarks;

import io.explainstream.explain.Attribution;
import io.explainstream.explain.GroupExplanations;
import io.explainstream.explain.Label;
import io.explainstream.explain.Labels;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.FeatureAttribution;
import io.explainstream.schema.FeatureLabel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Building the output record's attributions from an assigned event's group explanation (s = 5, at most 5 features
 * kept, as the stage does): {@code direct} writes {@link FeatureAttribution}s straight from the group's weights
 * through a reused scratch ({@link GroupExplanations#write}), {@code viaAttributions} builds the intermediate
 * {@link Attribution} list first, as the stage did before (that code is kept below), and converts it. One
 * operation is one event, assignment included; events cycle through 1024 pre-generated vectors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GroupExplanationBenchmark {
    private static final FeatureLabel[] LABELS = FeatureLabel.values();

    @Param({"11", "100"})
    int d;

    @Param({"10"})
    int k;

    private GimeModel model;
    private Workspace ws;
    private float[][] events;
    private int next;
    private final GroupExplanations.Scratch scratch = new GroupExplanations.Scratch();
    private final RecordSink sink = new RecordSink();

    private static final class RecordSink implements GroupExplanations.Sink {
        List<FeatureAttribution> target;

        @Override
        public void accept(int index, String name, double value, double weight, double contribution, Label label) {
            target.add(new FeatureAttribution(index, name, value, weight, contribution, LABELS[label.ordinal()]));
        }
    }

    @Setup
    public void setup() {
        model = GimeModel.of(SyntheticBundles.tabular(d, k, 5, 42));
        ws = model.newWorkspace();
        Random r = new Random(1);
        events = new float[1024][d];
        for (float[] e : events) {
            for (int j = 0; j < d; j++) {
                e[j] = (float) r.nextGaussian();
            }
        }
    }

    @Benchmark
    public List<FeatureAttribution> direct() {
        model.assignDense(events[next++ & 1023], ws);
        List<FeatureAttribution> out = new ArrayList<>(Math.min(5, model.explanationIndices(ws.group()).length));
        sink.target = out;
        GroupExplanations.write(model, ws, 5, scratch, sink);
        return out;
    }

    @Benchmark
    public List<FeatureAttribution> viaAttributions() {
        model.assignDense(events[next++ & 1023], ws);
        List<Attribution> from = previousGroupExplanation(model, ws, 5);
        List<FeatureAttribution> out = new ArrayList<>(from.size());
        for (Attribution a : from) {
            out.add(new FeatureAttribution(a.index(), a.name(), a.value(), a.weight(), a.contribution(),
                    LABELS[a.label().ordinal()]));
        }
        return out;
    }

    private static final Comparator<Attribution> LARGEST_FIRST = Comparator
            .comparingDouble((Attribution a) -> -Math.abs(a.contribution())).thenComparingInt(Attribution::index);

    /** The stage's previous group explanation: arrays, labels and Attribution objects per event, then a sort. */
    private static List<Attribution> previousGroupExplanation(GimeModel model, Workspace ws, int limit) {
        int[] idx = model.explanationIndices(ws.group());
        double[] w = model.explanationWeights(ws.group());
        double[] contributions = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            contributions[i] = w[i] * ws.scaled(idx[i]);
        }
        Label[] labels = Labels.of(contributions);
        List<Attribution> out = new ArrayList<>(idx.length);
        for (int i = 0; i < idx.length; i++) {
            if (contributions[i] != 0) {
                out.add(new Attribution(idx[i], model.featureName(idx[i]), ws.scaled(idx[i]), w[i], contributions[i],
                        labels[i]));
            }
        }
        out.sort(LARGEST_FIRST);
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }
}
