package io.explainstream.app.topology;

import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.l2e.L2eExplainer;
import io.explainstream.app.l2e.L2eResult;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.explain.GroupExplanations;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.Explanation;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.PendingExplanation;
import io.explainstream.schema.Timings;
import io.explainstream.validation.Violation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The L2E stage: buffers explanation requests in a changelogged store (so a crash loses none of them) and
 * explains them in micro-batches, flushed when {@code batchSize} are waiting or every {@code maxWait} of wall-clock
 * time. Each output keeps its input's key and timestamp. If the explainer fails, the batch is published with
 * its group explanations (and routing reasons) instead, so nothing is lost.
 */
final class L2eBatchProcessor implements Processor<byte[], ExplanationRequest, byte[], Object> {
    private static final Logger LOG = LoggerFactory.getLogger(L2eBatchProcessor.class);

    private final LoadedBundle bundle;
    private final GimeModel model;
    private final L2eSettings settings;
    private final L2eExplainerFactory factory;
    private final String storeName;
    private final String outputSink;
    private final int maxFeatures;
    private ProcessorContext<byte[], Object> context;
    private KeyValueStore<Long, PendingExplanation> buffer;
    private L2eExplainer explainer;
    private Workspace ws;
    private FeatureArrays arrays;
    private float[][] x;
    private float[] y;
    private long nextSequence;
    private long buffered;
    private Counter l2eExplained;
    private Counter fallbacks;

    L2eBatchProcessor(LoadedBundle bundle, GimeModel model, L2eSettings settings, L2eExplainerFactory factory,
                      String storeName, String outputSink, int maxFeatures) {
        this.bundle = bundle;
        this.model = model;
        this.settings = settings;
        this.factory = factory;
        this.storeName = storeName;
        this.outputSink = outputSink;
        this.maxFeatures = maxFeatures;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        this.explainer = factory.open(bundle, settings);
        this.ws = model.newWorkspace();
        this.arrays = new FeatureArrays(model.dimension());
        this.x = new float[settings.batchSize()][model.dimension()];
        this.y = new float[settings.batchSize()];
        this.l2eExplained = Metrics.counter("explainstream.events.explained", "source", "L2E");
        this.fallbacks = Metrics.counter("explainstream.l2e.fallbacks");
        try (KeyValueIterator<Long, PendingExplanation> it = buffer.reverseAll()) {
            nextSequence = it.hasNext() ? it.next().key + 1 : 0;
        }
        try (KeyValueIterator<Long, PendingExplanation> it = buffer.all()) {
            while (it.hasNext()) {
                it.next();
                buffered++;
            }
        }
        context.schedule(settings.maxWait(), PunctuationType.WALL_CLOCK_TIME, now -> flushAll());
    }

    @Override
    public void process(Record<byte[], ExplanationRequest> record) {
        ByteBuffer key = record.key() == null ? null : ByteBuffer.wrap(record.key());
        buffer.put(nextSequence++, new PendingExplanation(key, record.timestamp(), record.value()));
        buffered++;
        if (buffered >= settings.batchSize()) {
            flushAll();
        }
    }

    private void flushAll() {
        while (buffered > 0) {
            if (flushBatch() == 0) {
                buffered = 0;
            }
        }
    }

    private int flushBatch() {
        List<KeyValue<Long, PendingExplanation>> batch = new ArrayList<>(settings.batchSize());
        try (KeyValueIterator<Long, PendingExplanation> it = buffer.all()) {
            while (it.hasNext() && batch.size() < settings.batchSize()) {
                batch.add(it.next());
            }
        }
        if (batch.isEmpty()) {
            return 0;
        }
        List<ExplainedEvent> out = explain(batch);
        for (int i = 0; i < batch.size(); i++) {
            PendingExplanation p = batch.get(i).value;
            byte[] key = p.getKey() == null ? null : toArray(p.getKey());
            context.forward(new Record<byte[], Object>(key, out.get(i), p.getTimestamp()), outputSink);
            buffer.delete(batch.get(i).key);
        }
        buffered -= batch.size();
        return batch.size();
    }

    private List<ExplainedEvent> explain(List<KeyValue<Long, PendingExplanation>> batch) {
        int n = batch.size();
        List<ExplainedEvent> drafts = new ArrayList<>(n);
        boolean[] usable = new boolean[n];
        for (int i = 0; i < n; i++) {
            ExplanationRequest r = batch.get(i).value.getRequest();
            drafts.add(r.getDraft());
            Violation v = arrays.assign(r.getEvent(), model, ws);
            usable[i] = v == null;
            if (usable[i]) {
                for (int j = 0; j < model.dimension(); j++) {
                    x[i][j] = (float) ws.scaled(j);
                }
                y[i] = (float) model.target().toZ(r.getEvent().getPrediction().getScore());
            } else {
                java.util.Arrays.fill(x[i], 0f);
                y[i] = 0f;
            }
        }
        L2eResult result;
        try {
            result = explainer.explain(x, y, n);
        } catch (RuntimeException e) {
            LOG.warn("L2E batch of {} failed, publishing the group explanations instead: {}", n, e.getMessage());
            fallbacks.increment(n);
            return drafts;
        }
        List<ExplainedEvent> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ExplainedEvent d = drafts.get(i);
            if (!usable[i]) {
                fallbacks.increment();
                out.add(d);
                continue;
            }
            var attributions = GroupExplanations.ofScores(model, x[i], result.scores()[i],
                    result.labels() == null ? null : result.labels()[i], maxFeatures);
            d.setExplanation(new Explanation(ExplanationSource.L2E, Outputs.attributions(attributions)));
            d.setExplainerVersion(explainer.version());
            d.setTimings(new Timings(System.currentTimeMillis(), d.getTimings().getGimeNanos(),
                    result.inferNanos(), n));
            out.add(d);
            l2eExplained.increment();
        }
        return out;
    }

    private static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] a = new byte[d.remaining()];
        d.get(a);
        return a;
    }

    @Override
    public void close() {
        if (explainer != null) {
            explainer.close();
            explainer = null;
        }
    }
}
