package io.explainstream.app.topology;

import io.explainstream.app.config.L2eSettings;
import io.explainstream.app.config.Topics;
import io.explainstream.app.l2e.ExecutionProvider;
import io.explainstream.app.l2e.L2eExplainer;
import io.explainstream.app.l2e.L2eInferenceException;
import io.explainstream.app.l2e.L2eResult;
import io.explainstream.app.config.Stage;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.gime.Router;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.ExplanationSource;
import io.explainstream.schema.FeatureAttribution;
import io.explainstream.schema.FeatureLabel;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.RoutingReason;
import io.explainstream.validation.InvalidReason;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.explainstream.app.topology.TestBundles.MODEL_ID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExplainTopologyTest {
    /** x' = (2, 1, 0, 0): aligned with group 0's region. */
    private static final float[] CERTAIN = {3, 4, 3, 4};
    /** f such that f_z = 1.9, while g_0(x') = 1.7: residual 0.2. */
    private static final double CERTAIN_SCORE = 10 + 2 * 1.9;

    @TempDir
    Path dir;

    private LoadedBundle tabular() {
        return TestBundles.write(TestBundles.tabular(null), dir.resolve("tabular"));
    }

    @Test
    void shouldAssignEventToGroupWithHandComputedSoftmaxAndSurrogate() {
        try (Harness h = new Harness(tabular())) {
            h.send("key-1", Events.dense("e1", MODEL_ID, CERTAIN, CERTAIN_SCORE));

            TestRecord<byte[], ExplainedEvent> out = h.output.readRecord();
            ExplainedEvent e = out.value();
            double[] x = TestBundles.scaled(CERTAIN);
            double[] p = TestBundles.posteriors(x);
            int k = TestBundles.argmax(p);
            assertEquals(0, k);
            assertArrayEquals("key-1".getBytes(), out.key());
            assertEquals("e1", e.getEventId());
            assertEquals(k, e.getGroupId());
            assertEquals(p[k], e.getPosterior(), 1e-12);
            int second = p[1] > p[2] ? 1 : 2;
            assertEquals(1, second, "logit of group 1 is 0, of group 2 is -1.90");
            assertEquals(second, e.getRunnerUpGroupId());
            assertEquals(p[second], e.getRunnerUpPosterior(), 1e-12);
            double g = TestBundles.surrogate(k, x);
            assertEquals(10 + 2 * g, e.getSurrogateValue(), 1e-9);
            assertEquals(Math.abs(g - 1.9), e.getResidual(), 1e-9);
            assertEquals(RoutingReason.NONE, e.getRouting());
            assertEquals(ExplanationSource.GROUP, e.getExplanation().getSource());
            assertEquals("test-bundle-1", e.getBundleVersion());
            assertEquals(Map.of("origin", "test"), e.getAttributes());
            List<FeatureAttribution> f = e.getExplanation().getFeatures();
            assertEquals(1, f.size(), "theta_0 has f0 (contribution 1.6) and f2 (x'=0, contribution 0)");
            assertEquals("f0", f.get(0).getName());
            assertEquals(0.8, f.get(0).getWeight(), 1e-12);
            assertEquals(1.6, f.get(0).getContribution(), 1e-9);
            assertEquals(FeatureLabel.HIGH_POSITIVE, f.get(0).getLabel());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldExplainAnEventReadFromItsBytesAsOneDecoded() {
        LoadedBundle text = TestBundles.write(TestBundles.text(), dir.resolve("text"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        try (Harness tabular = new Harness(tabular()); Harness sparse = new Harness(text)) {
            double raw = read(meters, "raw");
            double decoded = read(meters, "decoded");
            assertExplainedAlike(tabular, Events.dense("e1", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            assertExplainedAlike(sparse, Events.sparse("s1", "text-model", 6, new int[]{0, 2, 5},
                    new float[]{1, 2, 1}, 0.8));
            tabular.driver.advanceWallClockTime(GimeProcessor.COUNTS_FLUSH);
            sparse.driver.advanceWallClockTime(GimeProcessor.COUNTS_FLUSH);
            assertEquals(raw + 2, read(meters, "raw"), 0.0);
            assertEquals(decoded + 2, read(meters, "decoded"), 0.0);
        } finally {
            Metrics.removeRegistry(meters);
        }
    }

    @Test
    void shouldExplainARoutedEventReadFromItsBytesAsOneDecoded() throws IOException {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.ALL, new Router(0.99, 100),
                Harness.l2e(1))) {
            double raw = read(meters, "raw");
            double decoded = read(meters, "decoded");
            h.send("decoded", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            h.send("raw", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            ExplainedEvent fromDecoded = h.output.readValue();
            ExplainedEvent fromRaw = h.output.readValue();
            assertEquals(RoutingReason.LOW_POSTERIOR, fromRaw.getRouting());
            assertL2eExplanation(fromRaw);
            for (ExplainedEvent e : List.of(fromDecoded, fromRaw)) {
                e.getTimings().setExplainedAt(0L);
                e.getTimings().setGimeNanos(0L);
                e.getTimings().setL2eNanos(0L);
            }
            assertEquals(fromDecoded, fromRaw);
            h.driver.advanceWallClockTime(GimeProcessor.COUNTS_FLUSH);
            assertEquals(raw + 1, read(meters, "raw"), 0.0);
            assertEquals(decoded + 1, read(meters, "decoded"), 0.0);
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        } finally {
            Metrics.removeRegistry(meters);
        }
    }

    private static double read(SimpleMeterRegistry meters, String path) {
        var c = meters.find(ExplainMetrics.EVENTS_READ).tag("path", path).counter();
        return c == null ? 0 : c.count();
    }

    /** The first record of a schema is decoded (the raw reader learns the schema from it); the next is read raw. */
    private static void assertExplainedAlike(Harness h, PredictionEvent event) {
        h.send("decoded", event);
        h.send("raw", event);
        ExplainedEvent decoded = h.output.readValue();
        ExplainedEvent raw = h.output.readValue();
        assertEquals(ExplanationSource.GROUP, raw.getExplanation().getSource());
        decoded.getTimings().setExplainedAt(0L);
        decoded.getTimings().setGimeNanos(0L);
        raw.getTimings().setExplainedAt(0L);
        raw.getTimings().setGimeNanos(0L);
        assertEquals(decoded, raw);
        assertTrue(h.output.isEmpty());
        assertTrue(h.dlq.isEmpty());
    }

    @Test
    void shouldGiveSparseAndDenseForOfOneVectorTheSameExplanation() {
        LoadedBundle text = TestBundles.write(TestBundles.text(), dir.resolve("text"));
        try (Harness h = new Harness(text)) {
            h.send("d", Events.dense("dense", "text-model", new float[]{1, 0, 2, 0, 0, 1}, 0.8));
            h.send("s", Events.sparse("sparse", "text-model", 6, new int[]{0, 2, 5}, new float[]{1, 2, 1}, 0.8));

            ExplainedEvent dense = h.output.readValue();
            ExplainedEvent sparse = h.output.readValue();
            assertEquals(dense.getGroupId(), sparse.getGroupId());
            assertEquals(dense.getPosterior(), sparse.getPosterior(), 0.0);
            assertEquals(dense.getRunnerUpPosterior(), sparse.getRunnerUpPosterior(), 0.0);
            assertEquals(dense.getSurrogateValue(), sparse.getSurrogateValue(), 0.0);
            assertEquals(dense.getExplanation(), sparse.getExplanation());
            assertEquals(List.of("good", "great", "plot"),
                    dense.getExplanation().getFeatures().stream().map(FeatureAttribution::getName).sorted().toList());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    /** Refused before the vector is looked at: the record does not decode, or the event's ids or prediction are bad. */
    private static final Set<InvalidReason> DECODE_REASONS = EnumSet.of(InvalidReason.DESERIALIZATION_FAILED,
            InvalidReason.UNKNOWN_SCHEMA_ID, InvalidReason.NULL_VALUE, InvalidReason.INCOMPATIBLE_SCHEMA,
            InvalidReason.UNKNOWN_MODEL, InvalidReason.EMPTY_FIELD, InvalidReason.NON_FINITE_PREDICTION);

    @Test
    void shouldSendEachKindOfBadInputToTheDlqWithItsReasonAndKeepGoing() throws IOException {
        try (Harness h = new Harness(tabular())) {
            Map<String, BadInput> cases = new LinkedHashMap<>();
            cases.put("not-avro", new BadInput("{\"json\":true}".getBytes(), InvalidReason.DESERIALIZATION_FAILED));
            cases.put("short", new BadInput(new byte[]{0, 0}, InvalidReason.DESERIALIZATION_FAILED));
            cases.put("unknown-id", new BadInput(new byte[]{0, 0, 0, 0x7f, 0x7f, 2, 4}, InvalidReason.UNKNOWN_SCHEMA_ID));
            cases.put("null", new BadInput(null, InvalidReason.NULL_VALUE));
            cases.put("other-schema", new BadInput(foreignRecord(h), InvalidReason.INCOMPATIBLE_SCHEMA));
            cases.put("truncated", new BadInput(truncate(h.encode(Events.dense("t", MODEL_ID, CERTAIN, 1))),
                    InvalidReason.DESERIALIZATION_FAILED));
            cases.put("unknown-model", bad(h, Events.dense("m", "other-model", CERTAIN, 1), InvalidReason.UNKNOWN_MODEL));
            cases.put("empty-id", bad(h, Events.dense("", MODEL_ID, CERTAIN, 1), InvalidReason.EMPTY_FIELD));
            cases.put("nan-score", bad(h, Events.dense("n", MODEL_ID, CERTAIN, Double.NaN),
                    InvalidReason.NON_FINITE_PREDICTION));
            cases.put("dimension", bad(h, Events.dense("d", MODEL_ID, new float[]{1, 2, 3}, 1),
                    InvalidReason.DIMENSION_MISMATCH));
            cases.put("nan", bad(h, Events.dense("nan", MODEL_ID, new float[]{1, Float.NaN, 3, 4}, 1),
                    InvalidReason.NON_FINITE_VALUE));
            cases.put("inf", bad(h, Events.dense("inf", MODEL_ID, new float[]{1, 2, Float.POSITIVE_INFINITY, 4}, 1),
                    InvalidReason.NON_FINITE_VALUE));
            cases.put("zero", bad(h, Events.dense("zero", MODEL_ID, new float[]{1, 2, 3, 4}, 1),
                    InvalidReason.ZERO_VECTOR));
            cases.put("sparse-size", bad(h, Events.sparse("ss", MODEL_ID, 5, new int[]{0}, new float[]{1}, 1),
                    InvalidReason.DIMENSION_MISMATCH));
            cases.put("sparse-range", bad(h, Events.sparse("sr", MODEL_ID, 4, new int[]{0, 4}, new float[]{1, 1}, 1),
                    InvalidReason.SPARSE_INDEX_OUT_OF_RANGE));
            cases.put("sparse-negative", bad(h, Events.sparse("sn", MODEL_ID, 4, new int[]{-1}, new float[]{1}, 1),
                    InvalidReason.SPARSE_INDEX_OUT_OF_RANGE));
            cases.put("sparse-unsorted", bad(h, Events.sparse("su", MODEL_ID, 4, new int[]{2, 1}, new float[]{1, 1}, 1),
                    InvalidReason.SPARSE_INDICES_UNSORTED));
            cases.put("sparse-duplicate", bad(h, Events.sparse("sd", MODEL_ID, 4, new int[]{1, 1}, new float[]{1, 1}, 1),
                    InvalidReason.SPARSE_INDEX_DUPLICATE));
            cases.put("sparse-lengths", bad(h, Events.sparse("sl", MODEL_ID, 4, new int[]{0, 1}, new float[]{1}, 1),
                    InvalidReason.SPARSE_LENGTH_MISMATCH));

            long offset = 0;
            for (Map.Entry<String, BadInput> c : cases.entrySet()) {
                h.input.pipeInput(c.getKey().getBytes(), c.getValue().bytes());
                h.send("good-" + offset, Events.dense("ok-" + offset, MODEL_ID, CERTAIN, CERTAIN_SCORE));

                TestRecord<byte[], byte[]> d = h.dlq.readRecord();
                assertArrayEquals(c.getKey().getBytes(), d.key(), c.getKey());
                assertArrayEquals(c.getValue().bytes(), d.value(), c.getKey());
                Headers hd = d.headers();
                assertEquals(c.getValue().reason().name(), DeadLetters.header(hd, DeadLetters.REASON), c.getKey());
                assertTrue(!DeadLetters.header(hd, DeadLetters.MESSAGE).isBlank(), c.getKey());
                assertEquals(DECODE_REASONS.contains(c.getValue().reason()) ? ExplainTopology.DECODE_STAGE
                        : ExplainTopology.GIME_STAGE, DeadLetters.header(hd, DeadLetters.STAGE), c.getKey());
                assertEquals(h.topics.input(), DeadLetters.header(hd, DeadLetters.SOURCE_TOPIC));
                assertEquals("0", DeadLetters.header(hd, DeadLetters.SOURCE_PARTITION));
                assertEquals(Long.toString(offset), DeadLetters.header(hd, DeadLetters.SOURCE_OFFSET), c.getKey());
                TestRecord<byte[], ExplainedEvent> ok = h.output.readRecord();
                assertArrayEquals(("good-" + offset).getBytes(), ok.key());
                offset += 2;
            }
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldKeepCertainEventsOnTheirGroupExplanation() throws IOException {
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.ALL, new Router(0.5, 1.0),
                Harness.l2e(1))) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));

            ExplainedEvent e = h.output.readValue();
            assertEquals(RoutingReason.NONE, e.getRouting());
            assertEquals(ExplanationSource.GROUP, e.getExplanation().getSource());
            assertNull(e.getExplainerVersion());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldRouteLowPosteriorEventsToL2e() throws IOException {
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.ALL, new Router(0.99, 100),
                Harness.l2e(1))) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));

            TestRecord<byte[], ExplainedEvent> r = h.output.readRecord();
            assertArrayEquals("k".getBytes(), r.key());
            ExplainedEvent e = r.value();
            assertEquals(RoutingReason.LOW_POSTERIOR, e.getRouting());
            assertL2eExplanation(e);
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldPublishTheGroupExplanationWhenTheL2eBatchFails() throws IOException {
        LoadedBundle bundle = TestBundles.tabularWithL2e(dir, false);
        L2eExplainerFactory failing = (b, settings) -> new L2eExplainer() {
            public ExecutionProvider provider() {
                return ExecutionProvider.CPU;
            }

            public String version() {
                return "broken";
            }

            public int dimension() {
                return 4;
            }

            public L2eResult explain(float[][] features, float[] predictions, int n) {
                throw new L2eInferenceException("the test explainer always fails");
            }

            public void close() {
            }
        };
        ExplainedEvent direct;
        try (Harness h = new Harness(bundle)) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            direct = h.output.readValue();
        }
        try (Harness h = new Harness(new TopologySettings(Topics.defaults(), Stage.ALL, bundle, new Router(0.99, 100),
                Harness.l2e(1), 10, failing))) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));

            ExplainedEvent e = h.output.readValue();
            assertEquals(RoutingReason.LOW_POSTERIOR, e.getRouting());
            assertEquals(ExplanationSource.GROUP, e.getExplanation().getSource());
            assertEquals(direct.getExplanation(), e.getExplanation());
            assertEquals(direct.getGroupId(), e.getGroupId());
            assertEquals(direct.getPosterior(), e.getPosterior(), 0.0);
            assertEquals(direct.getResidual(), e.getResidual(), 0.0);
            assertNull(e.getExplainerVersion());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldRouteHighResidualEventsToL2e() throws IOException {
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.ALL, new Router(0.5, 0.1),
                Harness.l2e(1))) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));

            ExplainedEvent e = h.output.readValue();
            assertEquals(RoutingReason.HIGH_RESIDUAL, e.getRouting());
            assertL2eExplanation(e);
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldUseTheBundleThresholdsUnlessConfigOverridesThem() {
        LoadedBundle b = TestBundles.write(TestBundles.tabular(null).withRouting(
                new io.explainstream.bundle.RoutingThresholds(0.5, 0.1)), dir.resolve("strict"));
        try (Harness h = new Harness(b)) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            ExplainedEvent e = h.output.readValue();
            assertEquals(RoutingReason.HIGH_RESIDUAL, e.getRouting(), "bundle's maxResidual 0.1 < residual 0.2");
            assertEquals(ExplanationSource.GROUP, e.getExplanation().getSource(), "this bundle has no L2E explainer");
            assertTrue(h.output.isEmpty());
        }
        try (Harness h = new Harness(b, Stage.ALL, new Router(0.5, 0.3), L2eSettings.defaults())) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            assertEquals(RoutingReason.NONE, h.output.readValue().getRouting(), "override maxResidual 0.3");
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldFlushAPartialL2eBatchMaxWaitAfterItsFirstEventAndNotBefore() throws IOException {
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.ALL, new Router(0.99, 100),
                Harness.l2e(3))) {
            h.driver.advanceWallClockTime(Duration.ofMillis(15));
            h.send("a", Events.dense("a", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            h.driver.advanceWallClockTime(Duration.ofMillis(19));
            assertTrue(h.output.isEmpty(), "the 20 ms deadline counts from the batch's first event");

            h.driver.advanceWallClockTime(Duration.ofMillis(1));
            ExplainedEvent a = h.output.readValue();
            assertEquals("a", a.getEventId());
            assertEquals(1, a.getTimings().getL2eBatchSize());

            h.driver.advanceWallClockTime(Duration.ofMillis(100));
            h.send("b", Events.dense("b", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            h.driver.advanceWallClockTime(Duration.ofMillis(19));
            assertTrue(h.output.isEmpty(), "a new batch gets a new deadline");
            h.driver.advanceWallClockTime(Duration.ofMillis(1));
            assertEquals("b", h.output.readValue().getEventId());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldFlushL2eMicroBatchWhenFullOrAtTheDeadlineAndLogTheBuffer() throws IOException {
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.ALL, new Router(0.99, 100),
                Harness.l2e(3))) {
            var changelog = h.driver.createOutputTopic("explainstream-test-" + ExplainTopology.L2E_BUFFER_STORE
                    + "-changelog", new org.apache.kafka.common.serialization.LongDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            h.send("a", Events.dense("a", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            h.send("b", Events.dense("b", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            assertTrue(h.output.isEmpty(), "a batch of 3 waits for its third event or the deadline");
            assertEquals(2, changelog.readRecordsToList().stream().filter(r -> r.value() != null).count(),
                    "buffered requests are in the changelog, so a crash loses none");

            h.driver.advanceWallClockTime(Duration.ofMillis(25));
            List<ExplainedEvent> deadline = h.output.readValuesToList();
            assertEquals(List.of("a", "b"), deadline.stream().map(ExplainedEvent::getEventId).toList());
            assertEquals(2, deadline.get(0).getTimings().getL2eBatchSize());
            assertEquals(List.of(0L, 1L), changelog.readRecordsToList().stream().filter(r -> r.value() == null)
                    .map(r -> r.key()).toList(), "explained requests leave the changelog");

            for (String id : List.of("c", "d", "e")) {
                h.send(id, Events.dense(id, MODEL_ID, CERTAIN, CERTAIN_SCORE));
            }
            assertEquals(List.of("2=put", "3=put", "2=delete", "3=delete"), changelog.readRecordsToList().stream()
                    .map(r -> r.key() + (r.value() == null ? "=delete" : "=put")).toList(),
                    "e was explained in the call that buffered it: it never reached the changelog");
            List<ExplainedEvent> full = h.output.readValuesToList();
            assertEquals(List.of("c", "d", "e"), full.stream().map(ExplainedEvent::getEventId).toList());
            assertEquals(3, full.get(2).getTimings().getL2eBatchSize());
            assertTrue(full.stream().allMatch(e -> e.getExplanation().getSource() == ExplanationSource.L2E));
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldKeepTheGroupExplanationAndRoutingReasonWhenL2eIsDisabled() throws IOException {
        L2eSettings off = new L2eSettings(false, io.explainstream.app.l2e.ProviderChoice.CPU, 1,
                Duration.ofMillis(20), 1);
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.ALL, new Router(0.99, 100), off)) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            ExplainedEvent e = h.output.readValue();
            assertEquals(RoutingReason.LOW_POSTERIOR, e.getRouting());
            assertEquals(ExplanationSource.GROUP, e.getExplanation().getSource());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldSendUncertainEventsToTheRequestsTopicInTheGimeStage() throws IOException {
        try (Harness h = new Harness(TestBundles.tabularWithL2e(dir, false), Stage.GIME, new Router(0.99, 100),
                Harness.l2e(1))) {
            h.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));

            TestRecord<byte[], ExplanationRequest> r = h.requestsOut.readRecord();
            assertArrayEquals("k".getBytes(), r.key());
            assertEquals("e", r.value().getEvent().getEventId());
            assertEquals(RoutingReason.LOW_POSTERIOR, r.value().getDraft().getRouting());
            assertEquals(ExplanationSource.GROUP, r.value().getDraft().getExplanation().getSource());
            assertTrue(h.requestsOut.isEmpty());
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    @Test
    void shouldExplainRequestsInTheL2eStage() throws IOException {
        LoadedBundle b = TestBundles.tabularWithL2e(dir, false);
        ExplanationRequest request;
        try (Harness gime = new Harness(b, Stage.GIME, new Router(0.99, 100), Harness.l2e(1))) {
            gime.send("k", Events.dense("e", MODEL_ID, CERTAIN, CERTAIN_SCORE));
            request = gime.requestsOut.readValue();
        }
        try (Harness h = new Harness(b, Stage.L2E, new Router(0.99, 100), Harness.l2e(1))) {
            h.requestsIn.pipeInput("k".getBytes(), h.encodeRequest(request));
            h.requestsIn.pipeInput("bad".getBytes(), "garbage".getBytes());

            TestRecord<byte[], ExplainedEvent> r = h.output.readRecord();
            assertArrayEquals("k".getBytes(), r.key());
            assertL2eExplanation(r.value());
            TestRecord<byte[], byte[]> d = h.dlq.readRecord();
            assertEquals(InvalidReason.DESERIALIZATION_FAILED.name(), DeadLetters.header(d.headers(), DeadLetters.REASON));
            assertEquals(h.topics.l2eRequests(), DeadLetters.header(d.headers(), DeadLetters.SOURCE_TOPIC));
            assertTrue(h.output.isEmpty());
            assertTrue(h.dlq.isEmpty());
        }
    }

    /** The linear test explainer scores x'_j * w_j * f_z: x' = (2, 1, 0, 0), f_z = 1.9, w = (0.5, -1, 2, 0.25). */
    private static void assertL2eExplanation(ExplainedEvent e) {
        assertEquals(ExplanationSource.L2E, e.getExplanation().getSource());
        assertEquals("test-linear-1", e.getExplainerVersion());
        List<FeatureAttribution> f = new ArrayList<>(e.getExplanation().getFeatures());
        assertEquals(2, f.size());
        f.sort((a, b) -> Integer.compare(a.getIndex(), b.getIndex()));
        assertEquals("f0", f.get(0).getName());
        assertEquals(1.9, f.get(0).getWeight(), 1e-5);
        assertEquals(FeatureLabel.HIGH_POSITIVE, f.get(0).getLabel());
        assertEquals("f1", f.get(1).getName());
        assertEquals(-1.9, f.get(1).getWeight(), 1e-5);
        assertEquals(FeatureLabel.HIGH_NEGATIVE, f.get(1).getLabel());
        assertEquals(0, e.getGroupId(), "the group assignment is kept");
    }

    private static BadInput bad(Harness h, PredictionEvent e, InvalidReason reason) {
        return new BadInput(h.encode(e), reason);
    }

    private static byte[] truncate(byte[] b) {
        byte[] t = new byte[b.length - 6];
        System.arraycopy(b, 0, t, 0, t.length);
        return t;
    }

    private static byte[] foreignRecord(Harness h) throws IOException {
        Schema other = SchemaBuilder.record("Other").namespace("elsewhere").fields().requiredInt("n").endRecord();
        int id = h.registry.register("elsewhere-value", other);
        GenericRecord r = new GenericData.Record(other);
        r.put("n", 7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(other).write(r, enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void shouldCountGroupEventsInMicrometerOnceASecondNotPerEvent() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        try (Harness h = new Harness(tabular())) {
            double before = explained(meters);
            for (int i = 0; i < 3; i++) {
                h.send("k" + i, Events.dense("e" + i, MODEL_ID, CERTAIN, CERTAIN_SCORE));
            }
            assertEquals(3, h.output.readValuesToList().size());
            assertEquals(before, explained(meters), 0.0, "not yet flushed");

            h.driver.advanceWallClockTime(GimeProcessor.COUNTS_FLUSH);

            assertEquals(before + 3, explained(meters), 0.0);
            assertEquals(3, meters.get(ExplainMetrics.GROUP_EVENTS).tag("group", "0").counter().count(), 0.0);
            assertTrue(h.output.isEmpty());
        } finally {
            Metrics.removeRegistry(meters);
        }
    }

    private static double explained(SimpleMeterRegistry meters) {
        var c = meters.find("explainstream.events.explained").tag("source", "GROUP").counter();
        return c == null ? 0 : c.count();
    }

    private record BadInput(byte[] bytes, InvalidReason reason) {
    }
}
