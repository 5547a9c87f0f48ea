package io.explainstream.loadtest;

import io.explainstream.bundle.LoadedBundle;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.RegistrySettings;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.BrokerProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code loadtest --embedded --chaos FAULTS}: the app runs as its own process (exactly_once_v2) on a broker that
 * runs as its own process (its KRaft controller in another), under paced load (2 % of it records that are not Avro,
 * for the DLQ), while faults strike at seeded random moments: {@code kill-app} (SIGKILL, then a restart with the same
 * static member id) and {@code restart-broker} (SIGTERM or SIGKILL, a few seconds down, started again on the same
 * data and port). The producer sends rate × duration events on a fixed schedule (catching up after a broker outage).
 * Then it drains and reconciles output + DLQ (read_committed) against what the producer had acknowledged, by key.
 */
final class ChaosSoak {
    static final List<String> FAULTS = List.of("kill-app", "restart-broker");
    private static final double BAD_SHARE = 0.02;

    private final List<String> faults;
    private final double rate;
    private final double duration;
    private final int partitions;
    private final long seed;
    private final Path work;
    private final Random random;
    private final List<Map<String, Object>> happened = Collections.synchronizedList(new ArrayList<>());
    private long startNanos;

    ChaosSoak(List<String> faults, double rate, double duration, int partitions, long seed, Path work) {
        for (String f : faults) {
            if (!FAULTS.contains(f)) {
                throw new IllegalArgumentException("unknown fault '" + f + "'; choose from " + FAULTS);
            }
        }
        this.faults = List.copyOf(faults);
        this.rate = rate;
        this.duration = duration;
        this.partitions = partitions;
        this.seed = seed;
        this.work = work;
        this.random = new Random(seed);
    }

    Map<String, Object> run() throws Exception {
        System.err.println("starting a KRaft broker (child process) and a schema registry...");
        try (BrokerProcess broker = BrokerProcess.start(work.resolve("kafka"));
             ApicurioRegistry registryServer = ApicurioRegistry.start();
             ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.connect(
                     new RegistrySettings(registryServer.url(), true, Map.of()))) {
            String p = "chaos";
            String input = p + ".predictions";
            String output = p + ".explained";
            String dlq = p + ".dlq";
            broker.createTopics(partitions, input, output, p + ".l2e");
            broker.createTopics(1, dlq);
            SyntheticWorkload workload = SyntheticWorkload.dense(11, 10, 0.1, seed);
            LoadedBundle bundle = workload.write(work);
            Path config = config(broker, registryServer.url(), bundle, p);
            AvroSerde<PredictionEvent> serde = new AvroSerde<>(PredictionEvent.class, registry, true);
            BitSet acked = new BitSet();
            AtomicLong failed = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            try (AppChild app = new AppChild(config, work.resolve("app.log"))) {
                app.start();
                startNanos = System.nanoTime();
                Thread producer = new Thread(() -> produce(broker, input, workload, serde, acked, sent, failed, stop),
                        "chaos-producer");
                producer.start();
                int brokerRestarts = strike(app, broker);
                producer.join(TimeUnit.MINUTES.toMillis(5));
                stop.set(true);
                producer.join();
                if (!app.alive()) {
                    app.start();
                }
                System.err.printf("load done: %d sent, %d acknowledged; draining...%n", sent.get(),
                        acked.cardinality());
                long drainStart = System.nanoTime();
                Reconciler.Result r = Reconciler.read(broker.bootstrapServers(), output, dlq, acked,
                        sent.get(), TimeUnit.SECONDS.toNanos(180));
                Map<String, Object> report = new LinkedHashMap<>();
                report.put("mode", "chaos");
                report.put("faults_requested", faults);
                report.put("seed", seed);
                report.put("rate", rate);
                report.put("duration_s", duration);
                report.put("partitions", partitions);
                report.put("processing_guarantee", "exactly_once_v2");
                report.put("events_in", acked.cardinality());
                report.put("send_failures", failed.get());
                report.put("events_out", r.out());
                report.put("events_dlq", r.dlq());
                report.put("lost", r.lost().size());
                report.put("duplicated", r.duplicated().size());
                report.put("unexpected", r.unexpected().size());
                report.put("lost_keys", r.lost().stream().limit(20).toList());
                report.put("duplicated_keys", r.duplicated().stream().limit(20).toList());
                report.put("app_starts", app.starts());
                report.put("broker_restarts", brokerRestarts);
                report.put("drain_s", round((System.nanoTime() - drainStart) / 1e9));
                report.put("faults", new ArrayList<>(happened));
                return report;
            }
        }
    }

    /** Whether a report shows every acknowledged event exactly once, and nothing else. */
    static boolean passed(Map<String, Object> report) {
        return ((Number) report.get("lost")).longValue() == 0 && ((Number) report.get("duplicated")).longValue() == 0
                && ((Number) report.get("unexpected")).longValue() == 0
                && ((Number) report.get("send_failures")).longValue() == 0;
    }

    /**
     * Strikes until the duration is over: every 6–16 s (seeded) the next fault of a shuffled round of the chosen
     * ones, the first after 5–10 s. Returns the number of broker restarts.
     */
    private int strike(AppChild app, BrokerProcess broker) throws Exception {
        int brokerRestarts = 0;
        List<String> round = new ArrayList<>();
        long end = startNanos + (long) (duration * 1e9);
        long next = startNanos + TimeUnit.MILLISECONDS.toNanos(5000 + random.nextInt(5000));
        while (true) {
            long wait = next - System.nanoTime();
            if (next >= end) {
                break;
            }
            if (wait > 0) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
            }
            if (round.isEmpty()) {
                round.addAll(faults);
                Collections.shuffle(round, random);
            }
            String fault = round.remove(0);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("at_s", elapsed());
            f.put("fault", fault);
            if (fault.equals("kill-app")) {
                f.put("detail", "SIGKILL pid " + app.kill());
                app.start();
            } else {
                boolean crash = random.nextBoolean();
                if (crash) {
                    broker.kill();
                } else {
                    broker.stop();
                }
                int down = 2000 + random.nextInt(4000);
                Thread.sleep(down);
                broker.start();
                brokerRestarts++;
                f.put("detail", (crash ? "SIGKILL" : "SIGTERM") + ", down " + down + " ms, then started again");
            }
            f.put("recovered_at_s", elapsed());
            happened.add(f);
            System.err.printf("%6.1f s  %s: %s%n", (double) f.get("at_s"), fault, f.get("detail"));
            next = Math.max(System.nanoTime(), next) + TimeUnit.MILLISECONDS.toNanos(6000 + random.nextInt(10000));
        }
        long wait = end - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(TimeUnit.NANOSECONDS.toMillis(wait));
        }
        return brokerRestarts;
    }

    private void produce(BrokerProcess broker, String topic, SyntheticWorkload workload,
                         AvroSerde<PredictionEvent> serde, BitSet acked, AtomicLong sent, AtomicLong failed,
                         AtomicBoolean stop) {
        Map<String, Object> c = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 300_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 300_000);
        Random bad = new Random(seed + 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(c, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            double interval = 1e9 / rate;
            long start = System.nanoTime();
            long count = (long) (rate * duration);
            for (int i = 0; i < count && !stop.get(); i++) {
                long w = start + (long) (i * interval) - System.nanoTime();
                if (w > 0) {
                    LockSupport.parkNanos(w);
                }
                if (stop.get()) {
                    break;
                }
                byte[] value = bad.nextDouble() < BAD_SHARE ? ("not avro " + i).getBytes(StandardCharsets.UTF_8)
                        : serde.serializer().serialize(topic, workload.next(i, System.currentTimeMillis() * 1000));
                int n = i;
                producer.send(new ProducerRecord<>(topic, Reconciler.key(n), value), (m, e) -> {
                    if (e == null) {
                        synchronized (acked) {
                            acked.set(n);
                        }
                    } else {
                        failed.incrementAndGet();
                    }
                });
                sent.incrementAndGet();
            }
            producer.flush();
        }
    }

    private Path config(BrokerProcess broker, String registryUrl, LoadedBundle bundle, String p) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", broker.bootstrapServers());
        s.put("schema.registry.url", registryUrl);
        s.put("application.id", "chaos-" + seed);
        s.put("state.dir", work.resolve("state").toString());
        s.put("processing.guarantee", "exactly_once_v2");
        s.put("group.instance.id", "chaos-1");
        s.put("session.timeout.ms", "6000");
        s.put("producer.transaction.timeout.ms", "10000");
        s.put("explainstream.bundle.path", bundle.directory().toString());
        s.put("explainstream.topic.input", p + ".predictions");
        s.put("explainstream.topic.output", p + ".explained");
        s.put("explainstream.topic.dlq", p + ".dlq");
        s.put("explainstream.topic.l2e-requests", p + ".l2e");
        s.put("explainstream.topic.fidelity", p + ".fidelity");
        s.put("explainstream.topic.alerts", p + ".alerts");
        s.put("explainstream.http.port", "-1");
        StringBuilder text = new StringBuilder();
        s.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return Files.writeString(work.resolve("app.properties"), text.toString());
    }

    private double elapsed() {
        return round((System.nanoTime() - startNanos) / 1e9);
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
