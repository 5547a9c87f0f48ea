package io.explainstream.app.topology;

import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.l2e.L2eExplainer;
import io.explainstream.app.l2e.L2eResult;
import io.explainstream.explain.Label;
import io.explainstream.explain.Labels;
import io.explainstream.explain.GroupExplanations;
import io.explainstream.gime.GimeModel;
import io.explainstream.gime.Workspace;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.Explanation;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.PendingExplanation;
import io.explainstream.schema.PendingSource;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.Timings;
import io.explainstream.serde.AvroDeserializer;
import io.explainstream.serde.DecodeException;
import io.explainstream.validation.InvalidReason;
import io.explainstream.validation.Violation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The L2E stage: buffers uncertain events and explains them in micro-batches, flushed when {@code batchSize} are
 * waiting or {@code maxWait} of wall-clock time after the first of them arrived (the deadline is scheduled only while
 * a batch waits, so a stream that fills its batches never punctuates). The buffer is a deferred, changelogged store holding each input
 * record as received (so a crash loses none: what is still buffered is written to the changelog at every commit,
 * before the input offsets); an event explained before the next commit never reaches the changelog. The decoded
 * events wait beside it in memory, so a flush reads the store only after a restore. Each output keeps its input's
 * key and timestamp. If the explainer fails, the batch is published with its group explanations (and routing
 * reasons) instead, so nothing is lost.
 */
final class L2eBatchProcessor implements Processor<byte[], UncertainEvent, byte[], Object> {
    private static final Logger LOG = LoggerFactory.getLogger(L2eBatchProcessor.class);

    private final TopologySettings settings;
    private final ModelHolder models;
    private final boolean followAssigningBundle;
    private ModelHolder.Serving serving;
    private long refusedGeneration = -1;
    private GimeModel model;
    private boolean binaryClassifier;
    private final AvroDeserializer<PredictionEvent> events;
    private final Deserializer<ExplanationRequest> requests;
    private final String storeName;
    private final String outputSink;
    private final Dlq dlq;
    private ProcessorContext<byte[], Object> context;
    private KeyValueStore<Long, PendingExplanation> buffer;
    private L2eExplainer explainer;
    private Workspace ws;
    private FeatureArrays arrays;
    private float[][] x;
    private float[] y;
    private long nextSequence;
    private final ArrayDeque<Long> order = new ArrayDeque<>();
    private Cancellable deadline;
    private final Map<Long, Pending> memory = new HashMap<>();
    private final Outputs.GroupAttributions groupAttributions = new Outputs.GroupAttributions();
    private final OutputEncoding encoding;
    private ExplainedEncoder encoder;
    private ExplainedEncoder.Assignment[] rows;
    private int schemaId = -1;
    private RawPredictionEvent raw;
    private long[] eventTimes;
    private PredictionEventLayout[] layouts;
    private boolean[] read;
    private Counter l2eExplained;
    private Counter fallbacks;
    private Timer endToEnd;

    private record Pending(byte[] key, long timestamp, byte[] payload, PredictionEvent event, ExplainedEvent draft,
                           long gimeNanos) {
    }

    /**
     * With {@code followAssigningBundle} (the L2E stage inside the GIME topology) the explainer follows the bundle
     * that assigned the events: after a swap, the events buffered before it are flushed with the old bundle's
     * explainer, and the first event assigned by the new bundle switches to its explainer. Without it (the separate
     * L2E stage), the explainer switches as soon as the bundle is swapped.
     */
    L2eBatchProcessor(TopologySettings settings, ModelHolder models, boolean followAssigningBundle,
                      AvroDeserializer<PredictionEvent> events, Deserializer<ExplanationRequest> requests,
                      OutputEncoding encoding, String storeName, String outputSink, Dlq dlq) {
        this.settings = settings;
        this.encoding = encoding;
        this.models = models;
        this.followAssigningBundle = followAssigningBundle;
        this.events = events;
        this.requests = requests;
        this.storeName = storeName;
        this.outputSink = outputSink;
        this.dlq = dlq;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
        this.buffer = context.getStateStore(storeName);
        L2eSettings l2e = settings.l2e();
        ModelHolder.Serving s = models.current();
        this.explainer = settings.l2eFactory().open(s.bundle(), l2e);
        use(s);
        this.endToEnd = ExplainMetrics.endToEnd("L2E");
        this.l2eExplained = Metrics.counter("explainstream.events.explained", "source", "L2E");
        this.fallbacks = Metrics.counter("explainstream.l2e.fallbacks");
        try (KeyValueIterator<Long, PendingExplanation> it = buffer.all()) {
            while (it.hasNext()) {
                long seq = it.next().key;
                order.add(seq);
                nextSequence = Math.max(nextSequence, seq + 1);
            }
        }
        if (!order.isEmpty()) {
            LOG.info("restored {} buffered L2E requests", order.size());
            armDeadline();
        }
        if (!followAssigningBundle) {
            context.schedule(l2e.maxWait(), PunctuationType.WALL_CLOCK_TIME, now -> followSwap());
        }
    }

    private void armDeadline() {
        deadline = context.schedule(settings.l2e().maxWait(), PunctuationType.WALL_CLOCK_TIME, now -> flushAll());
    }

    private void use(ModelHolder.Serving s) {
        this.serving = s;
        this.model = s.model();
        var b = s.bundle().model();
        this.binaryClassifier = b.task() == io.explainstream.bundle.Task.CLASSIFICATION
                && b.target().classLabels() != null && b.target().classLabels().size() == 2;
        this.ws = model.newWorkspace();
        this.arrays = new FeatureArrays(model.dimension());
        this.raw = new RawPredictionEvent(model.dimension());
        this.eventTimes = new long[settings.l2e().batchSize()];
        this.layouts = new PredictionEventLayout[settings.l2e().batchSize()];
        for (int i = 0; i < layouts.length; i++) {
            layouts[i] = new PredictionEventLayout();
        }
        this.read = new boolean[settings.l2e().batchSize()];
        this.x = new float[settings.l2e().batchSize()][model.dimension()];
        this.y = new float[settings.l2e().batchSize()];
        this.encoder = new ExplainedEncoder(model, s.version());
        this.rows = new ExplainedEncoder.Assignment[settings.l2e().batchSize()];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new ExplainedEncoder.Assignment();
        }
    }

    /** After a swap: flushes what the old bundle buffered, then opens the new bundle's explainer. */
    private void followSwap() {
        ModelHolder.Serving s = models.current();
        if (s == serving || s.generation() == refusedGeneration) {
            return;
        }
        flushAll();
        L2eExplainer next;
        try {
            next = settings.l2eFactory().open(s.bundle(), settings.l2e());
        } catch (RuntimeException e) {
            refusedGeneration = s.generation();
            LOG.error("cannot open the L2E explainer of bundle {} (version {}); keeping explainer {}: {}",
                    s.bundle().directory(), s.version(), explainer.version(), e.getMessage());
            return;
        }
        L2eExplainer old = explainer;
        explainer = next;
        use(s);
        old.close();
        LOG.info("L2E stage switched to bundle {} (explainer {})", s.version(), explainer.version());
    }

    @Override
    public void process(Record<byte[], UncertainEvent> record) {
        UncertainEvent u = record.value();
        if (models.current() != serving
                && (!followAssigningBundle || !serving.version().equals(u.bundleVersion()))) {
            followSwap();
        }
        long seq = nextSequence++;
        ByteBuffer key = record.key() == null ? null : ByteBuffer.wrap(record.key());
        buffer.put(seq, new PendingExplanation(key, record.timestamp(), u.source(), ByteBuffer.wrap(u.payload())));
        order.add(seq);
        memory.put(seq, new Pending(record.key(), record.timestamp(), u.payload(), u.event(), u.draft(),
                u.gimeNanos()));
        if (order.size() >= settings.l2e().batchSize()) {
            flushAll();
        } else if (deadline == null) {
            armDeadline();
        }
    }

    private void flushAll() {
        while (!order.isEmpty()) {
            flushBatch();
        }
        if (deadline != null) {
            deadline.cancel();
            deadline = null;
        }
    }

    private void flushBatch() {
        int n = Math.min(settings.l2e().batchSize(), order.size());
        List<Pending> batch = new ArrayList<>(n);
        List<Long> sequences = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long seq = order.poll();
            Pending p = memory.remove(seq);
            if (p == null) {
                p = restore(seq);
            }
            if (p != null) {
                batch.add(p);
            }
            sequences.add(seq);
        }
        List<Object> out = explain(batch);
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            if (out.get(i) instanceof Violation v) {
                deadLetter(p.key(), p.timestamp(), p.payload(), v);
                continue;
            }
            context.forward(new Record<byte[], Object>(p.key(), out.get(i), p.timestamp()), outputSink);
            ExplainMetrics.recordEndToEnd(endToEnd, eventTimes[i]);
        }
        for (long seq : sequences) {
            buffer.delete(seq);
        }
    }

    /** Rebuilds a buffered event from the store (after a crash or a rebalance); null when sent to the DLQ. */
    private Pending restore(long seq) {
        PendingExplanation pe = buffer.get(seq);
        if (pe == null) {
            return null;
        }
        byte[] key = pe.getKey() == null ? null : toArray(pe.getKey());
        byte[] payload = toArray(pe.getPayload());
        try {
            if (pe.getSource() == PendingSource.EXPLANATION_REQUEST) {
                ExplanationRequest r = requests.deserialize(settings.topics().l2eRequests(), payload);
                return new Pending(key, pe.getTimestamp(), payload, r.getEvent(), r.getDraft(),
                        r.getDraft().getTimings().getGimeNanos());
            }
            PredictionEvent e = events.deserialize(settings.topics().input(), payload);
            Violation v = arrays.assign(e, model, ws);
            if (v != null) {
                deadLetter(key, pe.getTimestamp(), payload, v);
                return null;
            }
            return new Pending(key, pe.getTimestamp(), payload, e, null, 0L);
        } catch (DecodeException e) {
            deadLetter(key, pe.getTimestamp(), payload, new Violation(InvalidReason.PROCESSING_FAILED,
                    "a buffered L2E request no longer decodes: " + e.getMessage()));
            return null;
        }
    }

    private void deadLetter(byte[] key, long timestamp, byte[] payload, Violation v) {
        dlq.send(context, new Record<byte[], byte[]>(key, payload, timestamp), v);
    }

    /**
     * The batch's outputs, in order: an encoded record or an {@link ExplainedEvent} per event, or the
     * {@link Violation} of an event the current bundle refuses (sent to the DLQ).
     */
    private List<Object> explain(List<Pending> batch) {
        int n = batch.size();
        List<Object> out = new ArrayList<>(n);
        Violation[] refused = new Violation[n];
        for (int i = 0; i < n; i++) {
            Pending p = batch.get(i);
            double score;
            read[i] = p.draft() == null && raw.read(events, p.payload());
            if (read[i]) {
                layouts[i].set(raw.layout);
                refused[i] = arrays.assign(raw, model, ws);
                score = raw.score;
                eventTimes[i] = raw.eventTime;
            } else {
                PredictionEvent e = eventOf(p);
                refused[i] = arrays.assign(e, model, ws);
                score = e.getPrediction().getScore();
                eventTimes[i] = e.getEventTime();
            }
            if (refused[i] == null) {
                for (int j = 0; j < model.dimension(); j++) {
                    x[i][j] = (float) ws.scaled(j);
                }
                double fz = model.target().toZ(score);
                y[i] = (float) fz;
                double residual = Math.abs(ws.surrogateZ() - fz);
                rows[i].set(model, ws, residual, serving.router().route(ws.posterior(), residual));
            } else {
                java.util.Arrays.fill(x[i], 0f);
                y[i] = 0f;
            }
        }
        if (n == 0) {
            return out;
        }
        L2eResult result;
        try {
            result = explainer.explain(x, y, n);
        } catch (RuntimeException e) {
            LOG.warn("L2E batch of {} failed, publishing the group explanations instead: {}", n, e.getMessage());
            fallbacks.increment(n);
            for (int i = 0; i < n; i++) {
                out.add(groupExplained(batch.get(i), refused[i]));
            }
            return out;
        }
        if (schemaId < 0) {
            schemaId = encoding.schemaIdOrNone();
        }
        long explainedAt = System.currentTimeMillis();
        int fellBack = 0;
        for (int i = 0; i < n; i++) {
            Pending p = batch.get(i);
            if (refused[i] != null) {
                fellBack++;
                out.add(groupExplained(p, refused[i]));
                continue;
            }
            Label[] labels = result.labels() == null ? null : result.labels()[i];
            float[] scores = result.scores()[i];
            if (otherClassPredicted(y[i])) {
                towardExplainedClass(scores, labels);
            }
            ExplainedEvent d = p.draft();
            if (d == null && schemaId >= 0) {
                PredictionEventLayout copied = read[i] ? layouts[i] : null;
                out.add(encoder.l2e(schemaId, copied == null ? eventOf(p) : null, p.payload(), copied, rows[i], x[i],
                        scores, labels, settings.maxFeatures(), explainer.version(), explainedAt, p.gimeNanos(),
                        result.inferNanos(), n));
            } else {
                if (d == null) {
                    d = draft(eventOf(p), rows[i], p.gimeNanos());
                }
                var attributions = GroupExplanations.ofScores(model, x[i], scores, labels, settings.maxFeatures());
                d.setExplanation(new Explanation(ExplanationSource.L2E, Outputs.attributions(attributions)));
                d.setExplainerVersion(explainer.version());
                d.setTimings(new Timings(explainedAt, d.getTimings().getGimeNanos(), result.inferNanos(), n));
                out.add(d);
            }
        }
        if (fellBack > 0) {
            fallbacks.increment(fellBack);
        }
        l2eExplained.increment(n - fellBack);
        return out;
    }

    /**
     * The group explanation an event falls back to: its request's draft, or, for an event of this topology, the
     * event assigned again; the violation when the current bundle refuses it.
     */
    private Object groupExplained(Pending p, Violation refused) {
        if (p.draft() != null) {
            return p.draft();
        }
        if (refused != null) {
            return refused;
        }
        PredictionEvent e = eventOf(p);
        arrays.assign(e, model, ws);
        double residual = Math.abs(ws.surrogateZ() - model.target().toZ(e.getPrediction().getScore()));
        return Outputs.explained(e, serving.bundle().model(), model, ws, residual,
                serving.router().route(ws.posterior(), residual), ExplanationSource.GROUP,
                groupAttributions.of(model, ws, settings.maxFeatures()), p.gimeNanos());
    }

    /** The pending event, decoded from its payload when the GIME stage read it from its bytes. */
    private PredictionEvent eventOf(Pending p) {
        if (p.event() != null) {
            return p.event();
        }
        try {
            return events.deserialize(settings.topics().input(), p.payload());
        } catch (DecodeException e) {
            throw new IllegalStateException("an event the GIME stage read no longer decodes: " + e.getMessage(), e);
        }
    }

    /** A group-explained record of an assignment, whose explanation the caller replaces. */
    private ExplainedEvent draft(PredictionEvent e, ExplainedEncoder.Assignment a, long gimeNanos) {
        return new ExplainedEvent(e.getEventId(), e.getModelId(), e.getModelVersion(), e.getEventTime(),
                e.getPrediction(), a.group, a.posterior, a.runnerUp < 0 ? null : a.runnerUp,
                a.runnerUp < 0 ? null : a.runnerUpPosterior, new Explanation(ExplanationSource.GROUP, List.of()),
                a.surrogateValue, a.residual, Outputs.reason(a.route), serving.version(), null,
                new Timings(0L, gimeNanos, null, null), e.getAttributes());
    }

    /**
     * L2E explains a classifier's predicted class (it was distilled from explanations of the predicted output);
     * the output topic's contributions are toward the explained class f, as the group explanations are. For a binary
     * classifier whose other class is predicted (f &lt; 0.5) the scores change sign and the labels mirror.
     */
    private boolean otherClassPredicted(float yz) {
        return binaryClassifier && model.target().fromZ(yz) < 0.5;
    }

    private static void towardExplainedClass(float[] scores, Label[] labels) {
        for (int j = 0; j < scores.length; j++) {
            scores[j] = -scores[j];
            if (labels != null) {
                labels[j] = Labels.mirror(labels[j]);
            }
        }
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
