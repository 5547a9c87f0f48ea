package io.explainstream.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.explainstream.app.ExplainstreamApp;
import io.explainstream.app.config.AppConfig;
import io.explainstream.app.config.ConfigException;
import io.explainstream.app.config.ConfigSources;
import io.explainstream.app.config.Secrets;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.RegistrySettings;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code explainstream loadtest}: drives the explaining topology with synthetic prediction events and measures it.
 * Paced (default): open-loop sends at --rate, end-to-end latency from each event's intended send time, lag, L2E
 * share. --compare-identity: the explaining topology and an identity topology (deserialize → serialize) drain the
 * same backlog on the same broker, topics, serdes and partitions, interleaved, and their throughputs are compared;
 * a third, size-matched identity topology (outputs padded to the explained records' size) bounds what any topology
 * writing records that large could keep on the machine.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true,
        description = "Open-loop load test of the explaining topology (paced sends, latency percentiles, lag), "
                + "or its throughput side by side with an identity topology (--compare-identity).")
final class LoadTestCommand implements Callable<Integer> {
    @Option(names = "--embedded",
            description = "Start a real KRaft broker and schema registry here, and the app in-process.")
    boolean embedded;
    @Option(names = "--bootstrap-servers",
            description = "An existing cluster (with --registry-url), instead of --embedded.")
    String bootstrapServers;
    @Option(names = "--registry-url", description = "Schema registry of that cluster.")
    String registryUrl;
    @Option(names = "--rate",
            description = "Events per second (paced and --chaos modes). Default 1000, 200 with --chaos.")
    double rate = Double.NaN;
    @Option(names = "--duration", defaultValue = "60",
            description = "Seconds measured (after the warm-up). Default ${DEFAULT-VALUE}.")
    double duration;
    @Option(names = "--warmup", defaultValue = "60",
            description = "Seconds of load before measuring (paced mode). On 2 "
            + "shared cores the JIT keeps compiling the app's, broker's and clients' hot paths for about 40 s after "
            + "the load starts, and latency falls until it is done. Default ${DEFAULT-VALUE}.")
    double warmup;
    @Option(names = "--dimension", defaultValue = "11",
            description = "Features per event (dense). Default ${DEFAULT-VALUE}.")
    int dimension;
    @Option(names = "--groups", defaultValue = "10", description = "GIME groups K. Default ${DEFAULT-VALUE}.")
    int groups;
    @Option(names = "--sparse", description = "Sparse bag-of-words events (--vocabulary, --nnz) instead of dense.")
    boolean sparse;
    @Option(names = "--vocabulary", defaultValue = "20000",
            description = "Vocabulary size with --sparse. Default ${DEFAULT-VALUE}.")
    int vocabulary;
    @Option(names = "--nnz", defaultValue = "20",
            description = "Words per event with --sparse. Default ${DEFAULT-VALUE}.")
    int nnz;
    @Option(names = "--l2e-share", defaultValue = "0.1",
            description = "Share of events routed to L2E. Default ${DEFAULT-VALUE}.")
    double l2eShare;
    @Option(names = "--partitions", defaultValue = "2",
            description = "Partitions of the topics. Default ${DEFAULT-VALUE}.")
    int partitions;
    @Option(names = "--stream-threads", defaultValue = "1",
            description = "num.stream.threads. Default ${DEFAULT-VALUE}.")
    int streamThreads;
    @Option(names = "--guarantee", defaultValue = "exactly_once_v2", description = "exactly_once_v2 or at_least_once.")
    String guarantee;
    @Option(names = "--commit-interval-ms", description = "commit.interval.ms (Kafka Streams' default when absent).")
    Integer commitIntervalMs;
    @Option(names = "--compare-identity", description = "Compare with an identity topology and a size-matched "
            + "identity topology (outputs padded to the explained size), interleaved (drain mode).")
    boolean compareIdentity;
    @Option(names = "--rounds", defaultValue = "2", description = "Identity/explaining/size-matched rounds with "
            + "--compare-identity. Default ${DEFAULT-VALUE}.")
    int rounds;
    @Option(names = "--backlog", defaultValue = "1500000", description = "Events each --compare-identity run drains; "
            + "each is timed from 10 %% to 90 %% of them (with fewer, a drain lasts a few commit intervals and the "
            + "figures scatter; a drain whose output passes both marks in one commit is refused). "
            + "Default ${DEFAULT-VALUE}.")
    long backlog;
    @Option(names = "--max", description = "Find the highest sustainable rate (output keeps up, lag does not grow) "
            + "of the explaining and the identity topology: doubling from --rate, then bisecting.")
    boolean max;
    @Option(names = "--probe-seconds", defaultValue = "8",
            description = "Length of one --max probe. Default ${DEFAULT-VALUE}.")
    double probeSeconds;
    @Option(names = "--confirm-seconds", defaultValue = "90", description = "--max: how long the rate the short "
            + "probes found must then hold, its lag under one second of input throughout the second half (short "
            + "probes from a drained start overstate what holds for longer: BENCHMARKS.md); if it does not, the "
            + "lower of 90 %% of it and 95 %% of the output rate it reached in its second half, up to "
            + CONFIRM_ATTEMPTS + " times. 0 skips it. Default ${DEFAULT-VALUE}.")
    double confirmSeconds;
    @Option(names = "--generator-linger-ms", defaultValue = "1", description = "linger.ms of the load generator's "
            + "producer (Kafka's default is 5). Latency is measured from each event's intended send time, so this "
            + "wait is part of it; longer lingers mean fewer, larger produce requests for the broker. "
            + "Default ${DEFAULT-VALUE}.")
    int generatorLingerMs;
    @Option(names = "--json", description = "Write the report as JSON to this file.")
    Path json;
    @Option(names = "--seed", defaultValue = "1", description = "Seed of the synthetic workload.")
    long seed;
    @Option(names = "--chaos", split = ",", paramLabel = "FAULT", description = "Soak test under faults "
            + "(with --embedded): the app and the broker run as child processes, paced load for --duration seconds, "
            + "and at seeded random moments (--seed) the faults: kill-app (SIGKILL, restart), restart-broker "
            + "(SIGTERM or SIGKILL, restart on the same data and port). Then output + DLQ are reconciled by key "
            + "(read_committed); exits 1 if an event is lost or duplicated.")
    List<String> chaos;
    @Option(names = "--set", description = "An app setting KEY=VALUE for the app under test (repeatable), e.g. "
            + "explainstream.fidelity.enabled=false or producer.linger.ms=5. Plain client settings (TLS, SASL: "
            + "security.protocol, ssl.*, sasl.*) and registry client settings (basic.auth.*, schema.registry.*) "
            + "also reach the load test's own producer, consumers and registry client, as they reach the app's.")
    Map<String, String> set = new java.util.LinkedHashMap<>();
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A properties file of settings that apply "
            + "as --set does (--set wins): the way to give passwords and keys (sasl.jaas.config, ssl.*.password, "
            + "basic.auth.user.info) without putting them on the command line.")
    Path configFile;

    /** Keys the load test sets itself: from --set or --config they would point the app away from its own topics. */
    private static final Map<String, String> OWN_KEYS = Map.of(
            "bootstrap.servers", "use --bootstrap-servers",
            "schema.registry.url", "use --registry-url",
            "application.id", "each run uses fresh ids",
            "state.dir", "each run has its own",
            "explainstream.bundle.path", "the load test writes its own bundle",
            "explainstream.topic.input", "each run creates its own topics",
            "explainstream.topic.output", "each run creates its own topics",
            "explainstream.topic.dlq", "each run creates its own topics",
            "explainstream.topic.l2e-requests", "each run creates its own topics");

    /** The client settings of --set (TLS, SASL, ...) for the load test's own clients, as the app's clients get them. */
    private Map<String, String> clients = Map.of();
    private EmbeddedKafka kafka;
    private ApicurioRegistry registryServer;
    private ConfluentSchemaRegistry registry;
    private Path work;

    @Override
    public Integer call() throws Exception {
        try {
            set = new LinkedHashMap<>(ConfigSources.merge(configFile, Map.of(), set));
        } catch (ConfigException e) {
            System.err.println("explainstream loadtest: " + e.getMessage());
            return 2;
        }
        for (String key : set.keySet()) {
            if (OWN_KEYS.containsKey(key)) {
                System.err.printf("explainstream loadtest: %s is the load test's own setting (%s); remove it from "
                        + "--set/--config%n", key, OWN_KEYS.get(key));
                return 2;
            }
        }
        if (embedded == (bootstrapServers != null)) {
            System.err.println(
                    "explainstream loadtest: give either --embedded or --bootstrap-servers with --registry-url");
            return 2;
        }
        if (!embedded && registryUrl == null) {
            System.err.println("explainstream loadtest: --bootstrap-servers needs --registry-url");
            return 2;
        }
        if (Double.isNaN(rate)) {
            rate = chaos != null ? 200 : 1000;
        }
        if (chaos != null && (!embedded || compareIdentity || max)) {
            System.err.println("explainstream loadtest: --chaos runs its own broker and app: use it with --embedded, "
                    + "without --compare-identity or --max");
            return 2;
        }
        work = Files.createTempDirectory("explainstream-loadtest");
        if (chaos != null) {
            try {
                return chaos();
            } finally {
                deleteQuietly(work);
            }
        }
        try {
            if (embedded) {
                System.err.println("starting an embedded KRaft broker and schema registry...");
                kafka = EmbeddedKafka.start();
                bootstrapServers = kafka.bootstrapServers();
                registryServer = ApicurioRegistry.start();
                registryUrl = registryServer.url();
            }
            SyntheticWorkload workload = sparse ? SyntheticWorkload.sparse(vocabulary, nnz, groups, l2eShare, seed)
                    : SyntheticWorkload.dense(dimension, groups, l2eShare, seed);
            LoadedBundle bundle = workload.write(work);
            AppConfig connection = AppConfig.parse(appSettings(bundle, Topics.named("loadtest"), "loadtest"));
            clients = new HashMap<>();
            ExplainstreamApp.clientConfig(connection).forEach((k, v) -> clients.put(k, String.valueOf(v)));
            registry = ConfluentSchemaRegistry.connect(
                    new RegistrySettings(registryUrl, true, connection.registry().clientProperties()));
            Map<String, Object> report = max ? findMax(workload, bundle)
                    : compareIdentity ? compare(workload, bundle) : paced(workload, bundle);
            String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
            System.out.println(text);
            if (json != null) {
                Files.writeString(json, text);
            }
            return 0;
        } catch (DrainException e) {
            System.err.println("explainstream loadtest: " + e.getMessage());
            return 1;
        } finally {
            if (registry != null) {
                registry.close();
            }
            if (registryServer != null) {
                registryServer.close();
            }
            if (kafka != null) {
                kafka.close();
            }
            deleteQuietly(work);
        }
    }

    private int chaos() throws Exception {
        ChaosSoak soak;
        try {
            soak = new ChaosSoak(chaos, rate, duration, partitions, seed, work);
        } catch (IllegalArgumentException e) {
            System.err.println("explainstream loadtest: " + e.getMessage());
            return 2;
        }
        Map<String, Object> report = soak.run();
        String text = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report);
        System.out.println(text);
        if (json != null) {
            Files.writeString(json, text);
        }
        if (!ChaosSoak.passed(report)) {
            System.err.println("explainstream loadtest: events were lost or duplicated (see the report)");
            return 1;
        }
        return 0;
    }

    private record Topics(String input, String output, String dlq, String requests, String identity,
                          String sizeMatched) {
        static Topics named(String p) {
            return new Topics(p + ".predictions", p + ".explained", p + ".dlq", p + ".l2e", p + ".identity",
                    p + ".identity-size-matched");
        }
    }

    private Topics topics() throws Exception {
        Topics t = Topics.named("loadtest-" + UUID.randomUUID().toString().substring(0, 8));
        try (Admin admin = Admin.create(new HashMap<>(clients))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : List.of(t.input, t.output, t.dlq, t.requests, t.identity, t.sizeMatched)) {
                NewTopic topic = new NewTopic(name, partitions, (short) 1);
                // the broker stamps explained records with their append time: the meter can then tell the
                // pipeline's delay from its own
                topics.add(name.equals(t.output) ? topic.configs(Map.of("message.timestamp.type", "LogAppendTime"))
                        : topic);
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
        return t;
    }

    private Map<String, String> appSettings(LoadedBundle bundle, Topics t, String applicationId) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", bootstrapServers);
        s.put("schema.registry.url", registryUrl);
        s.put("application.id", applicationId);
        s.put("state.dir", work.resolve("state-" + applicationId).toString());
        s.put("explainstream.bundle.path", bundle.directory().toString());
        s.put("explainstream.topic.input", t.input);
        s.put("explainstream.topic.output", t.output);
        s.put("explainstream.topic.dlq", t.dlq);
        s.put("explainstream.topic.l2e-requests", t.requests);
        s.put("explainstream.http.port", "-1");
        s.put("processing.guarantee", guarantee);
        s.put("num.stream.threads", Integer.toString(streamThreads));
        if (commitIntervalMs != null) {
            s.put("commit.interval.ms", Integer.toString(commitIntervalMs));
        }
        s.putAll(set);
        return s;
    }

    private Map<String, Object> paced(SyntheticWorkload workload, LoadedBundle bundle) throws Exception {
        Topics t = topics();
        String appId = "loadtest-explain-" + UUID.randomUUID();
        AvroSerde<PredictionEvent> in = new AvroSerde<>(PredictionEvent.class, registry, true);
        try (OutputMeter meter = new OutputMeter(bootstrapServers, clients, registry, t.output, t.dlq);
             LagSampler lag = new LagSampler(bootstrapServers, clients, t.input);
             PacedProducer producer = new PacedProducer(bootstrapServers, generatorConfig(),
                     templates(workload, in, t.input), t.input);
             ExplainstreamApp app = ExplainstreamApp.start(AppConfig.parse(appSettings(bundle, t, appId)))) {
            meter.start();
            awaitRunning(app.streams());
            // sends until the measured window has been read (stop() below), so every thread is still alive then
            Thread sender = new Thread(() -> producer.run(rate, warmup + duration + 60), PacedProducer.THREAD);
            Thread sampler = new Thread(() -> sampleLag(lag, appId), "loadtest-lag");
            sampler.setDaemon(true);
            System.err.printf("sending %.0f events/s for %.0f s of warm-up and %.0f s measured%n", rate, warmup,
                    duration);
            sender.start();
            sampler.start();
            Thread.sleep((long) (warmup * 1000));
            meter.resetLatency();
            lag.reset();
            CpuAccount cpu = new CpuAccount(CpuAccount.loadTestGroups(appId));
            cpu.start();
            long count0 = meter.explained() + meter.dlq();
            long l2e0 = meter.l2e();
            long explained0 = meter.explained();
            long t0 = System.nanoTime();
            Thread.sleep((long) (duration * 1000));
            long count1 = meter.explained() + meter.dlq();
            long t1 = System.nanoTime();
            long l2e1 = meter.l2e();
            long explained1 = meter.explained();
            OutputMeter.Latencies latencies = meter.latencies();
            Map<String, Double> cores = cpu.cores();
            long maxLag = lag.max();
            producer.stop();
            sender.join();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (meter.explained() + meter.dlq() + meter.unreadable() < producer.sent()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            sampler.interrupt();
            Map<String, Object> r = header("paced");
            r.put("rate", rate);
            r.put("events_sent", producer.sent());
            r.put("send_failures", producer.failed());
            r.put("events_out", meter.explained());
            r.put("events_dlq", meter.dlq());
            r.put("events_unreadable", meter.unreadable());
            r.put("throughput_eps", (count1 - count0) / ((t1 - t0) / 1e9));
            r.put("latency_ms", percentiles(latencies.endToEnd()));
            r.put("append_latency_ms", percentiles(latencies.append()));
            r.put("max_lag", maxLag);
            r.put("l2e_share", explained1 == explained0 ? 0.0 : (double) (l2e1 - l2e0) / (explained1 - explained0));
            r.put("cpu_cores", cores);
            r.put("latency_by_second", latencies.bySecond());
            return r;
        }
    }

    private Map<String, Object> compare(SyntheticWorkload workload, LoadedBundle bundle) throws Exception {
        Topics t = topics();
        AvroSerde<PredictionEvent> in = new AvroSerde<>(PredictionEvent.class, registry, true);
        System.err.printf("preloading %d events...%n", backlog);
        try (PacedProducer producer = new PacedProducer(bootstrapServers, generatorConfig(),
                templates(workload, in, t.input), t.input)) {
            producer.preload(backlog);
        }
        double phaseSeconds = Math.max(5, duration / (2.0 * rounds));
        Map<String, Drain> warmUp = new LinkedHashMap<>();
        int padding = 0;
        for (String kind : KINDS) {
            Drain d = drain(kind, bundle, t, in, phaseSeconds, padding);
            warmUp.put(kind, d);
            System.err.printf("warm-up %-12s %.0f events/s, %.0f bytes per output record (not counted)%n", kind,
                    d.eventsPerSecond(), d.meanValueBytes());
            if (kind.equals(EXPLAIN)) {
                padding = (int) Math.max(0, Math.round(d.meanValueBytes() - warmUp.get(IDENTITY).meanValueBytes()));
            }
        }
        Map<String, List<Double>> eps = new LinkedHashMap<>();
        KINDS.forEach(k -> eps.put(k, new ArrayList<>()));
        List<Map<String, Object>> phases = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (String kind : KINDS) {
                Drain d = drain(kind, bundle, t, in, phaseSeconds, padding);
                eps.get(kind).add(d.eventsPerSecond());
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("round", round + 1);
                p.put("topology", kind);
                p.put("throughput_eps", d.eventsPerSecond());
                p.put("bytes_per_output_record", d.meanValueBytes());
                p.put("cpu_cores", d.cores());
                p.put("stream_thread_waits", d.waits());
                phases.add(p);
                System.err.printf("round %d %-12s %.0f events/s%n", round + 1, kind, d.eventsPerSecond());
            }
        }
        Map<String, Object> r = header("compare-identity");
        double e = mean(eps.get(EXPLAIN));
        double i = mean(eps.get(IDENTITY));
        double m = mean(eps.get(SIZE_MATCHED));
        r.put("throughput_eps", e);
        r.put("identity_throughput_eps", i);
        r.put("ratio", e / i);
        r.put("throughput_eps_spread", spread(eps.get(EXPLAIN)));
        r.put("identity_throughput_eps_spread", spread(eps.get(IDENTITY)));
        r.put("size_matched_identity_throughput_eps", m);
        r.put("size_matched_identity_throughput_eps_spread", spread(eps.get(SIZE_MATCHED)));
        r.put("size_matched_ratio", m / i);
        r.put("ratio_to_size_matched", e / m);
        Map<String, Object> bytes = new LinkedHashMap<>();
        bytes.put("identity", warmUp.get(IDENTITY).meanValueBytes());
        bytes.put("explaining", warmUp.get(EXPLAIN).meanValueBytes());
        bytes.put("size_matched_padding", padding);
        r.put("bytes_per_output_record", bytes);
        r.put("method", "each topology drains the same preloaded backlog with a fresh application id, timed "
                + "between 10 % and 90 % of it out (followed by the output topic's last stable offsets, not by "
                + "reading it); one unmeasured warm-up drain each, then interleaved rounds. Each phase's cpu_cores "
                + "and stream_thread_waits cover its timed window. "
                + "size_matched: the identity topology with each output record padded by the difference between "
                + "the explained and the identity records' mean sizes (measured in the warm-up drains), so "
                + "size_matched_ratio is the most any topology writing records that large keeps on this machine, "
                + "and ratio_to_size_matched the share the explaining work itself leaves");
        r.put("backlog", backlog);
        r.put("phases", phases);
        return r;
    }

    private static final String IDENTITY = "identity";
    private static final String SIZE_MATCHED = "size-matched";
    private static final String EXPLAIN = "explain";
    /** Drain order: the size-matched padding is known once the identity and explaining warm-ups have run. */
    private static final List<String> KINDS = List.of(IDENTITY, EXPLAIN, SIZE_MATCHED);

    /**
     * Output records per partition read back after each drain (outside its timed window) for their mean size: L2E
     * outputs come in micro-batches and are larger, so a small sample would miss or bunch them.
     */
    private static final int SIZE_SAMPLE_PER_PARTITION = 25_000;

    private record Drain(double eventsPerSecond, double meanValueBytes, Map<String, Double> cores,
                         Map<String, Double> waits) {
    }

    /**
     * Starts one topology on the backlog with a fresh application id and times it between the moments 10 % and
     * 90 % of the backlog came out, leaving out start-up (assignment, session opening) and the tail.
     */
    private Drain drain(String kind, LoadedBundle bundle, Topics t, AvroSerde<PredictionEvent> serde,
                        double timeoutSeconds, int padding) throws Exception {
        String appId = "loadtest-" + kind + "-" + UUID.randomUUID();
        String output = switch (kind) {
            case IDENTITY -> t.identity;
            case SIZE_MATCHED -> t.sizeMatched;
            default -> t.output;
        };
        try (OutputProgress counter = new OutputProgress(bootstrapServers, clients, output)) {
            AutoCloseable app;
            KafkaStreams streams;
            if (kind.equals(EXPLAIN)) {
                ExplainstreamApp a = ExplainstreamApp.start(AppConfig.parse(appSettings(bundle, t, appId)));
                streams = a.streams();
                app = a;
            } else {
                AppConfig config = AppConfig.parse(appSettings(bundle, t, appId));
                Properties props = ExplainstreamApp.streamsProperties(config);
                streams = new KafkaStreams(IdentityTopology.build(t.input, output, serde,
                        kind.equals(SIZE_MATCHED) ? padding : 0), props);
                streams.start();
                app = streams::close;
            }
            try (AutoCloseable running = app) {
                long low = backlog / 10;
                long high = backlog - low;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos((long) (60 + timeoutSeconds));
                long tLow = 0;
                long cLow = 0;
                CpuAccount cpu = new CpuAccount(CpuAccount.loadTestGroups(appId));
                Map<String, Double> waits = Map.of();
                while (System.nanoTime() < deadline) {
                    long c = counter.count();
                    if (tLow == 0 && c >= low) {
                        tLow = System.nanoTime();
                        cLow = c;
                        cpu.start();
                        waits = StreamThreadWaits.read(streams);
                    }
                    if (c >= high) {
                        if (c == cLow) {
                            throw new DrainException("the " + kind + " topology's output passed 10 % and 90 % "
                                    + "of the " + backlog + "-event backlog between two reads of its offsets (one "
                                    + "commit or transaction held most of it), so its drain cannot be timed: "
                                    + "raise --backlog");
                        }
                        long now = System.nanoTime();
                        Map<String, Double> cores = cpu.cores();
                        Map<String, Double> waited = StreamThreadWaits.shares(waits, StreamThreadWaits.read(streams),
                                now - tLow);
                        double bytes = counter.stopAndSampleValueBytes(SIZE_SAMPLE_PER_PARTITION);
                        return new Drain((c - cLow) / ((now - tLow) / 1e9), bytes, cores, waited);
                    }
                    Thread.sleep(2);
                }
                throw new DrainException("the " + kind + " topology did not drain " + high + " of "
                        + backlog + " events in time (" + counter.count() + " came out)");
            }
        }
    }

    private Map<String, Object> findMax(SyntheticWorkload workload, LoadedBundle bundle) throws Exception {
        Topics t = topics();
        AvroSerde<PredictionEvent> in = new AvroSerde<>(PredictionEvent.class, registry, true);
        Map<String, Object> r = header("max");
        List<Map<String, Object>> probes = new ArrayList<>();
        MaxRate explain = maxRate("explain", bundle, t, in, workload, probes);
        MaxRate identity = maxRate("identity", bundle, t, in, workload, probes);
        r.put("max_sustainable_eps", explain.confirmed());
        r.put("identity_max_sustainable_eps", identity.confirmed());
        r.put("ratio", explain.confirmed() / identity.confirmed());
        r.put("short_probe_max_eps", explain.probed());
        r.put("identity_short_probe_max_eps", identity.probed());
        r.put("method", "open-loop probes of " + probeSeconds + " s on one running instance after a warm-up probe, "
                + "doubling from --rate, then bisecting; a rate is sustainable when the producer keeps pace, 99 % of "
                + "the probe's events are out within 1 s after it, and the lag is then under a quarter second of "
                + "input. The highest such rate must then hold for " + confirmSeconds + " s (confirm probes) with "
                + "the lag under one second of input throughout the second half; if not, the lower of 90 % of it "
                + "and 95 % of the output rate it reached in its second half is tried next"
                + (confirmSeconds > 0 ? "" : " (skipped: --confirm-seconds 0)"));
        r.put("probes", probes);
        return r;
    }

    private static final int CONFIRM_ATTEMPTS = 4;

    /** The highest rate the short probes sustained, and the rate a confirmation then held (0 if none did). */
    private record MaxRate(double probed, double confirmed) {
    }

    private MaxRate maxRate(String kind, LoadedBundle bundle, Topics t, AvroSerde<PredictionEvent> serde,
                            SyntheticWorkload workload, List<Map<String, Object>> probes) throws Exception {
        String appId = "loadtest-max-" + kind + "-" + UUID.randomUUID();
        String output = kind.equals("identity") ? t.identity : t.output;
        AppConfig config = AppConfig.parse(appSettings(bundle, t, appId));
        AutoCloseable app;
        KafkaStreams streams;
        if (kind.equals("identity")) {
            Properties props = ExplainstreamApp.streamsProperties(config);
            props.put("auto.offset.reset", "latest");
            streams = new KafkaStreams(IdentityTopology.build(t.input, t.identity, serde), props);
            streams.start();
            app = streams::close;
        } else {
            Map<String, String> settings = appSettings(bundle, t, appId);
            settings.put("auto.offset.reset", "latest");
            ExplainstreamApp a = ExplainstreamApp.start(AppConfig.parse(settings));
            streams = a.streams();
            app = a;
        }
        try (AutoCloseable running = app;
             OutputProgress counter = new OutputProgress(bootstrapServers, clients, output);
             LagSampler lag = new LagSampler(bootstrapServers, clients, t.input);
             PacedProducer producer = new PacedProducer(bootstrapServers, generatorConfig(),
                     templates(workload, serde, t.input), t.input)) {
            awaitRunning(streams);
            producer.run(rate, probeSeconds);
            awaitDrained(lag, appId);
            double good = 0;
            double bad = Double.NaN;
            double rateNow = rate;
            for (int probe = 0; probe < 12; probe++) {
                Map<String, Object> p = probe(kind, rateNow, probeSeconds, false, counter, lag, appId, producer);
                probes.add(p);
                boolean ok = (boolean) p.get("sustainable");
                if (ok) {
                    good = rateNow;
                } else {
                    bad = rateNow;
                    awaitDrained(lag, appId);
                }
                if (!Double.isNaN(bad) && bad - good <= 0.1 * bad) {
                    break;
                }
                rateNow = Double.isNaN(bad) ? rateNow * 2 : (good + bad) / 2;
            }
            if (confirmSeconds <= 0 || good == 0) {
                return new MaxRate(good, good);
            }
            double confirming = good;
            for (int attempt = 0; attempt < CONFIRM_ATTEMPTS; attempt++) {
                awaitDrained(lag, appId);
                Map<String, Object> p = probe(kind, confirming, confirmSeconds, true, counter, lag, appId, producer);
                probes.add(p);
                if (Boolean.TRUE.equals(p.get("sustainable"))) {
                    return new MaxRate(good, confirming);
                }
                confirming = Math.floor(Math.min(0.9 * confirming, 0.95 * (double) p.get("out_rate_second_half")));
            }
            return new MaxRate(good, 0);
        }
    }

    /**
     * Sends at {@code rate} for {@code seconds}: the rate is sustained when the producer keeps pace, 99 % of the
     * events are out within 1 s after it, and the lag is then under a quarter second of input. A confirmation also
     * samples the lag every second and needs it under one second of input throughout the second half; it reports the
     * output rate of that half.
     */
    private Map<String, Object> probe(String kind, double rate, double seconds, boolean confirm,
                                      OutputProgress counter, LagSampler lag, String appId, PacedProducer producer)
            throws InterruptedException {
        long c0 = counter.count();
        long sent0 = producer.sent();
        long t0 = System.nanoTime();
        long half = t0 + (long) (seconds * 5e8);
        long[] maxSecondHalf = {0};
        long[] outAtHalf = {-1, 0};
        Thread sampler = !confirm ? null : new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long l = lag.sample(appId);
                if (System.nanoTime() >= half) {
                    if (outAtHalf[0] < 0) {
                        outAtHalf[0] = counter.count();
                        outAtHalf[1] = System.nanoTime();
                    }
                    maxSecondHalf[0] = Math.max(maxSecondHalf[0], l < 0 ? Long.MAX_VALUE : l);
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "loadtest-lag");
        if (sampler != null) {
            sampler.start();
        }
        producer.run(rate, seconds);
        if (sampler != null) {
            sampler.interrupt();
            sampler.join();
        }
        double outRate = outAtHalf[0] < 0 ? 0
                : (counter.count() - outAtHalf[0]) / ((System.nanoTime() - outAtHalf[1]) / 1e9);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        long sent = producer.sent() - sent0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (counter.count() - c0 < sent && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long out = counter.count() - c0;
        long lagNow = lag.sample(appId);
        boolean ok = elapsed <= seconds * 1.05 && out >= 0.99 * sent && lagNow >= 0 && lagNow < rate / 4
                && maxSecondHalf[0] < rate;
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("topology", kind);
        if (confirm) {
            p.put("confirm", true);
            p.put("seconds", seconds);
        }
        p.put("rate", rate);
        p.put("sent", sent);
        p.put("out_within_1s", out);
        if (confirm) {
            p.put("max_lag_second_half", maxSecondHalf[0]);
            p.put("out_rate_second_half", outRate);
        }
        p.put("lag_end", lagNow);
        p.put("sustainable", ok);
        System.err.printf("%-8s %8.0f events/s for %.0f s: %d sent, %d out within 1 s, lag at the end %d%s: %s%n",
                kind, rate, seconds, sent, out, lagNow,
                confirm ? ", max lag in the second half " + maxSecondHalf[0] : "",
                ok ? "sustained" : "falling behind");
        return p;
    }

    /** Events sent are these templates with their own ids and times written in: see {@link EventTemplates}. */
    private static final int TEMPLATES = 16_384;

    private static EventTemplates templates(SyntheticWorkload workload, AvroSerde<PredictionEvent> serde,
                                            String topic) {
        return new EventTemplates(workload, serde.serializer(), topic, TEMPLATES);
    }

    private Map<String, String> generatorConfig() {
        Map<String, String> c = new HashMap<>(clients);
        c.put("linger.ms", Integer.toString(generatorLingerMs));
        return c;
    }

    private static void awaitDrained(LagSampler lag, String appId) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (lag.sample(appId) != 0 && System.nanoTime() < until) {
            Thread.sleep(500);
        }
    }

    private Map<String, Object> header(String mode) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("mode", mode);
        r.put("embedded", embedded);
        r.put("events", sparse ? "sparse vocabulary=" + vocabulary + " nnz=" + nnz : "dense d=" + dimension);
        r.put("groups", groups);
        r.put("l2e_share_target", l2eShare);
        r.put("partitions", partitions);
        r.put("stream_threads", streamThreads);
        r.put("processing_guarantee", guarantee);
        r.put("commit_interval_ms", commitIntervalMs != null ? commitIntervalMs
                : guarantee.equals("exactly_once_v2") ? 100 : 30000);
        r.put("cores", Runtime.getRuntime().availableProcessors());
        r.put("generator_linger_ms", generatorLingerMs);
        Map<String, String> settings = new java.util.TreeMap<>();
        set.forEach((k, v) -> settings.put(k, Secrets.mask(k, v)));
        r.put("settings", settings);
        return r;
    }

    private static Map<String, Object> percentiles(Histogram h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("count", h.getTotalCount());
        m.put("p50", h.getValueAtPercentile(50) / 1000.0);
        m.put("p95", h.getValueAtPercentile(95) / 1000.0);
        m.put("p99", h.getValueAtPercentile(99) / 1000.0);
        m.put("p99_9", h.getValueAtPercentile(99.9) / 1000.0);
        m.put("max", h.getMaxValue() / 1000.0);
        return m;
    }

    private static void sampleLag(LagSampler lag, String groupId) {
        while (!Thread.currentThread().isInterrupted()) {
            lag.sample(groupId);
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static Map<String, Object> spread(List<Double> v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", v.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
        m.put("max", v.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        return m;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception ignored) {
            // best effort: a temporary folder
        }
    }
}
