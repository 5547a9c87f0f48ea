package io.explainstream.demo;

import io.explainstream.bundle.ModelBundle;
import io.explainstream.schema.DenseFeatures;
import io.explainstream.schema.Prediction;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.schema.SparseFeatures;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.SchemaRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Produces prediction events from the test rows at a fixed rate (open loop), in a loop over the rows, with a small
 * share of malformed records (not Avro, an unknown model, a NaN feature, a wrong dimension, a tombstone) so the
 * dead-letter topic has something to show. An event counts as "in" once the broker has acknowledged it.
 */
final class EventSource implements Runnable, AutoCloseable {
    private static final String[] BAD_KINDS = {"NOT_AVRO", "UNKNOWN_MODEL", "NAN_FEATURE", "WRONG_DIMENSION",
            "TOMBSTONE"};

    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroSerde<PredictionEvent> serde;
    private final String topic;
    private final List<DemoRows.Row> rows;
    private final ModelBundle model;
    private final String dataset;
    private final double rate;
    private final double badShare;
    private final DemoStats stats;
    private final Random random = new Random(7);
    private final Thread thread = new Thread(this, "demo-producer");
    private volatile boolean running = true;
    private volatile Exception failure;

    EventSource(String bootstrap, SchemaRegistry registry, String topic, List<DemoRows.Row> rows, ModelBundle model,
                String dataset, double rate, double badShare, DemoStats stats) {
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 1, ProducerConfig.CLIENT_ID_CONFIG, "explainstream-demo-producer"),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.serde = new AvroSerde<>(PredictionEvent.class, registry, true);
        this.topic = topic;
        this.rows = rows;
        this.model = model;
        this.dataset = dataset;
        this.rate = rate;
        this.badShare = badShare;
        this.stats = stats;
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long started = System.nanoTime();
        long sent = 0;
        try {
            while (running) {
                double elapsed = (System.nanoTime() - started) / 1e9;
                long due = (long) (elapsed * rate);
                while (sent < due && running) {
                    send(sent++);
                }
                Thread.sleep(2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
        }
    }

    /**
     * Sends {@code n} valid warm-up events (ids {@code warmup-N}, attribute {@code phase=warm-up}) before the timed
     * run, {@code gapMillis} apart, and waits for their acknowledgement. They pay the pipeline's one-time costs (schema
     * look-ups, the first transactions, JIT); they count in every total, but not in the latency percentiles.
     */
    void warmUp(int n, long gapMillis) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            String id = "warmup-" + i;
            PredictionEvent e = event(id, rows.get(i % rows.size()));
            e.getAttributes().put("phase", "warm-up");
            producer.send(new ProducerRecord<>(topic, id.getBytes(StandardCharsets.UTF_8),
                    serde.serializer().serialize(topic, e)), (md, ex) -> {
                        if (ex == null) {
                            stats.eventsIn.incrementAndGet();
                        }
                    });
            Thread.sleep(gapMillis);
        }
        producer.flush();
    }

    private void send(long seq) {
        String id = "ev-" + seq;
        byte[] key = id.getBytes(StandardCharsets.UTF_8);
        byte[] value;
        boolean bad = random.nextDouble() < badShare;
        if (bad) {
            value = malformed(id, BAD_KINDS[random.nextInt(BAD_KINDS.length)], rows.get((int) (seq % rows.size())));
        } else {
            value = serde.serializer().serialize(topic, event(id, rows.get((int) (seq % rows.size()))));
        }
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e == null) {
                stats.eventsIn.incrementAndGet();
                if (bad) {
                    stats.malformedIn.incrementAndGet();
                }
            }
        });
    }

    private PredictionEvent event(String id, DemoRows.Row row) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("dataset", dataset);
        attrs.put("row", Integer.toString(row.rowNumber()));
        if (row.text() != null) {
            attrs.put("text", row.text());
        }
        BlackBox.Output p = row.prediction();
        List<Double> probs = null;
        if (p.probabilities() != null) {
            probs = new ArrayList<>();
            for (double v : p.probabilities()) {
                probs.add(v);
            }
        }
        Object features;
        if (row.sparse() != null) {
            List<Integer> idx = new ArrayList<>();
            List<Float> val = new ArrayList<>();
            for (int k = 0; k < row.sparse().indices().length; k++) {
                idx.add(row.sparse().indices()[k]);
                val.add(row.sparse().values()[k]);
            }
            features = new SparseFeatures(row.sparse().size(), idx, val);
        } else {
            features = new DenseFeatures(floats(row.dense()));
        }
        PredictionEvent e = new PredictionEvent();
        e.setEventId(id);
        e.setModelId(model.modelId());
        e.setModelVersion(model.version());
        e.setFeatures(features);
        e.setPrediction(new Prediction(p.score(), p.label(), probs));
        e.setAttributes(new LinkedHashMap<>(attrs));
        Times.setEventTime(e, System.currentTimeMillis());
        return e;
    }

    private byte[] malformed(String id, String kind, DemoRows.Row row) {
        PredictionEvent good = event(id, row);
        switch (kind) {
            case "NOT_AVRO":
                return ("this is not an Avro record: " + id).getBytes(StandardCharsets.UTF_8);
            case "UNKNOWN_MODEL":
                good.setModelId("some-other-model");
                return serde.serializer().serialize(topic, good);
            case "NAN_FEATURE": {
                float[] x = row.dense() != null ? row.dense().clone() : row.sparse().dense();
                x[0] = Float.NaN;
                good.setFeatures(new DenseFeatures(floats(x)));
                return serde.serializer().serialize(topic, good);
            }
            case "WRONG_DIMENSION":
                good.setFeatures(new DenseFeatures(List.of(1f, 2f)));
                return serde.serializer().serialize(topic, good);
            default:
                return null;
        }
    }

    private static List<Float> floats(float[] x) {
        List<Float> v = new ArrayList<>(x.length);
        for (float f : x) {
            v.add(f);
        }
        return v;
    }

    /** Stops producing and waits until every record sent has been acknowledged. */
    void stop() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.flush();
    }

    Exception failure() {
        return failure;
    }

    @Override
    public void close() {
        running = false;
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
