package io.explainstream.demo;

import io.explainstream.app.ExplainstreamApp;
import io.explainstream.app.config.AppConfig;
import io.explainstream.bundle.BundleIo;
import io.explainstream.bundle.LoadedBundle;
import io.explainstream.bundle.ModelBundle;
import io.explainstream.schema.ExplainedEvent;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.RegistrySettings;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code explainstream demo}: a real KRaft broker (in-process) and a real Apicurio registry (child JVM) on 127.0.0.1,
 * the demo bundle's test rows produced as prediction events with the black box's predictions, the explaining
 * topology in-process, and the live dashboard. Every file it writes is under its work folder (library logs in
 * {@code demo.log}, broker data, Kafka Streams state, the JVMs' temporary files), except the unpacked registry app in
 * the cache folder and the summary file you ask for.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"One-command demo: starts a Kafka broker and a schema registry on 127.0.0.1, produces prediction "
                + "events from a data set's test split, explains them in real time and shows them on a live dashboard.",
                "Stops everything it started on Ctrl-C, or after --duration seconds."})
final class DemoCommand implements Callable<Integer> {
    static final String INPUT = "predictions";
    static final String OUTPUT = "predictions.explained";
    static final String DLQ = "predictions.dlq";
    static final String FIDELITY = "explain.fidelity";
    static final String L2E_REQUESTS = "predictions.l2e-requests";
    static final String APPLICATION_ID = "explainstream-demo";
    static final int WARM_UP_EVENTS = 25;

    private static volatile boolean signalled;

    @Option(names = "--dataset", paramLabel = "NAME", defaultValue = "wine",
            description = "Data set: wine, autompg or polarity (default: ${DEFAULT-VALUE}).")
    String dataset;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "50",
            description = "Prediction events per second (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080",
            description = "Dashboard port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--duration", paramLabel = "S", defaultValue = "0",
            description = "Stop by itself after S seconds of producing (default: run until Ctrl-C).")
    long duration;

    @Option(names = "--summary-json", paramLabel = "FILE",
            description = "Write a summary (events_in, events_explained, events_dlq, l2e_share, latency_ms_p50, "
                    + "latency_ms_p99) to FILE at the end.")
    Path summaryJson;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Work folder for every file the demo writes (kept afterwards, except its tmp/ folder). "
                    + "Default: a new temporary folder, deleted at the end.")
    Path workDir;

    @Option(names = "--delete-work-dir", hidden = true,
            description = "Delete the work folder at the end (the launcher passes it with the folder it created).")
    boolean deleteWorkDir;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where the schema registry app is unpacked once and reused "
                    + "(default: $XDG_CACHE_HOME/explainstream or ~/.cache/explainstream).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Unpack the registry app into the work folder instead of the cache.")
    boolean noCache;

    @Option(names = "--bundle", paramLabel = "DIR",
            description = "Use this bundle folder (bundle.json, blackbox.onnx, the L2E model) instead of the demo's.")
    Path bundleDir;

    @Option(names = "--bad-share", paramLabel = "P", defaultValue = "0.02",
            description = "Share of malformed records, to show the dead-letter topic (default: ${DEFAULT-VALUE}).")
    double badShare;

    @Option(names = "--status-interval", paramLabel = "S", defaultValue = "5",
            description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
    int statusInterval;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "1",
            description = "Partitions of the demo topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    private final PrintStream out = System.out;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    private Path logFile;

    static boolean stoppedBySignal() {
        return signalled;
    }

    @Override
    public Integer call() throws Exception {
        Dataset ds = Dataset.parse(dataset);
        if (!(rate > 0) || rate > 100_000) {
            throw new IllegalArgumentException("--rate must be in (0, 100000], is " + rate);
        }
        if (!(badShare >= 0 && badShare < 1)) {
            throw new IllegalArgumentException("--bad-share must be in [0, 1), is " + badShare);
        }
        boolean ownWorkDir = workDir == null || deleteWorkDir;
        Path work = prepareWorkDir();
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        // The JVM's temporary files (broker data, native libraries) go to java.io.tmpdir, fixed when the JVM starts:
        // bin/explainstream sets it to WORK/tmp. Library log lines go to WORK/demo.log.
        boolean tmpInWork = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize()
                .startsWith(work.toAbsolutePath().normalize());
        logFile = work.resolve("demo.log");
        System.setProperty("org.slf4j.simpleLogger.logFile", logFile.toString());
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");

        Thread hook = new Thread(() -> {
            signalled = true;
            stop.countDown();
            try {
                cleanedUp.await(90, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = 1;
        try {
            code = run(ds, work, tmpInWork);
            return code;
        } catch (Exception | Error e) {
            out.flush();
            System.err.println("explainstream demo: " + e.getMessage());
            printLogTail();
            throw e;
        } finally {
            cleanUp(work, tmp, ownWorkDir);
            if (!signalled) {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // a signal came during clean-up
                }
            }
            cleanedUp.countDown();
        }
    }

    private int run(Dataset ds, Path work, boolean tmpInWork) throws Exception {
        long t0 = System.nanoTime();
        out.println("explainstream demo: data set " + ds + ", " + fmt(rate) + " events/s, work folder " + work);
        out.println("  library logs: " + logFile);
        if (!tmpInWork) {
            out.println("  note: java.io.tmpdir is " + System.getProperty("java.io.tmpdir") + ", outside the work folder;"
                    + " start the demo with bin/explainstream (or -Djava.io.tmpdir=WORK/tmp) to keep every file in it");
        }

        Path installRoot = noCache ? work.resolve("registry-app") : cacheDir();
        CompletableFuture<ApicurioRegistry> registryStart = CompletableFuture.supplyAsync(
                () -> ApicurioRegistry.start(installRoot, work.resolve("registry")));
        EmbeddedKafka kafka;
        try {
            step("starting the Kafka broker (KRaft, in-process)");
            kafka = quietly(() -> EmbeddedKafka.start(work.resolve("kafka")));
        } catch (RuntimeException e) {
            registryStart.thenAccept(ApicurioRegistry::close);
            throw e;
        }
        resources.push(kafka);
        step("starting the schema registry (Apicurio 3.0.9, child process; app in " + installRoot + ")");
        ApicurioRegistry registryServer;
        try {
            registryServer = registryStart.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        resources.push(registryServer);
        kafka.createTopics(partitions, INPUT, OUTPUT, L2E_REQUESTS);
        kafka.createTopics(1, DLQ, FIDELITY);

        List<String> warnings = new ArrayList<>();
        LoadedBundle bundle = loadBundle(ds, work);
        DataTable table = dataFor(ds, bundle);
        step("computing the black box's predictions for the test rows (" + BlackBox.FILE + ", ONNX Runtime)");
        List<DemoRows.Row> rows = DemoRows.build(bundle, table, warnings);
        warnings.forEach(w -> out.println("  note: " + w));

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("schema.registry.url", registryServer.url());
        settings.put("application.id", APPLICATION_ID);
        settings.put("state.dir", work.resolve("streams-state").toString());
        // Low latency at demo rates: commit (and so publish, under exactly-once) every 50 ms, poll often, and no
        // 100 ms producer linger (Kafka Streams' default for its producer).
        settings.put("commit.interval.ms", "50");
        settings.put("poll.ms", "10");
        settings.put("producer.linger.ms", "5");
        settings.put("explainstream.bundle.path", bundle.directory().toString());
        settings.put("explainstream.http.host", "127.0.0.1");
        settings.put("explainstream.http.port", "0");
        settings.put("explainstream.l2e.max-wait-ms", "20");
        settings.put("explainstream.topic.fidelity", FIDELITY);
        settings.put("explainstream.fidelity.window-ms", "10000");
        settings.put("explainstream.fidelity.grace-ms", "2000");
        ConfluentSchemaRegistry registry = ConfluentSchemaRegistry.connect(
                new RegistrySettings(registryServer.url(), true, Map.of()));
        resources.push(registry);
        // Register the contracts up front (as a real deployment would), so the first events do not wait for it.
        registry.register(INPUT + "-value", PredictionEvent.getClassSchema());
        registry.register(OUTPUT + "-value", ExplainedEvent.getClassSchema());
        step("starting the explaining topology (Kafka Streams, exactly_once_v2)");
        ExplainstreamApp app = ExplainstreamApp.start(AppConfig.parse(settings));
        resources.push(app);
        awaitRunning(app);

        Map<String, Object> where = new LinkedHashMap<>();
        where.put("bootstrapServers", kafka.bootstrapServers());
        where.put("registryUrl", registryServer.url());
        where.put("metricsUrl", "http://127.0.0.1:" + app.httpPort() + "/metrics");
        where.put("topics", List.of(INPUT, OUTPUT, DLQ, L2E_REQUESTS, FIDELITY));
        where.put("workDir", work.toString());
        DemoStats stats = new DemoStats(bundle, ds.id(), where);
        Monitor monitor = new Monitor(kafka.bootstrapServers(), registry, INPUT, OUTPUT, DLQ, FIDELITY,
                APPLICATION_ID, stats);
        resources.push(monitor);
        monitor.start();
        DashboardServer dashboard = DashboardServer.start(port, stats, () -> summary(stats, ds, bundle, false));
        resources.push(dashboard);
        String dashboardUrl = "http://127.0.0.1:" + dashboard.port() + "/";
        where.put("dashboardUrl", dashboardUrl);
        EventSource source = new EventSource(kafka.bootstrapServers(), registry, INPUT, rows, bundle.model(),
                ds.id(), rate, badShare, stats);
        resources.push(source);

        ModelBundle m = bundle.model();
        out.println();
        out.println("explainstream demo is running (ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms)");
        out.println("  dashboard:          " + dashboardUrl);
        out.println("  bootstrap servers:  " + kafka.bootstrapServers());
        out.println("  schema registry:    " + registryServer.url());
        out.println("  metrics:            " + where.get("metricsUrl"));
        out.println("  topics:             " + INPUT + " -> " + OUTPUT + ", dead letters " + DLQ);
        out.println("  bundle:             " + m.modelId() + " " + m.version() + " (" + m.groupCount() + " groups, "
                + m.dimension() + " features, L2E " + (m.l2e() == null ? "none" : m.l2e().version()) + ") from "
                + bundle.directory());
        out.println("  events:             " + rows.size() + " test rows of " + ds + ", " + fmt(rate)
                + "/s, " + fmt(badShare * 100) + "% malformed");
        out.println(duration > 0 ? "  stops after " + duration + " s (Ctrl-C stops it earlier)" : "  Ctrl-C stops it");
        out.println();
        out.flush();

        step("warming up: " + WARM_UP_EVENTS + " events through the whole pipeline (counted, but not in the latency"
                + " percentiles)");
        source.warmUp(WARM_UP_EVENTS, 20);
        if (!drain(stats, 60)) {
            throw new IllegalStateException("the warm-up events did not come out within 60 s");
        }
        source.start();
        long started = System.nanoTime();
        long deadline = duration > 0 ? started + TimeUnit.SECONDS.toNanos(duration) : Long.MAX_VALUE;
        long nextStatus = started + TimeUnit.SECONDS.toNanos(statusInterval);
        long nextSample = started + TimeUnit.SECONDS.toNanos(1);
        while (!stop.await(100, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (now >= nextSample) {
                stats.sample();
                nextSample += TimeUnit.SECONDS.toNanos(1);
            }
            if (now >= nextStatus) {
                status(stats, started);
                nextStatus += TimeUnit.SECONDS.toNanos(statusInterval);
            }
            if (source.failure() != null) {
                throw new IllegalStateException("producing events failed: " + source.failure(), source.failure());
            }
            if (app.streams().state() == KafkaStreams.State.ERROR
                    || app.streams().state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("Kafka Streams stopped: " + app.streams().state());
            }
            if (now >= deadline) {
                break;
            }
        }
        out.println(signalled ? "stopping (signal): no more events; draining what was sent"
                : "duration reached: no more events; draining what was sent");
        source.stop();
        boolean drained = drain(stats, signalled ? 15 : 60);
        stats.sample();
        status(stats, started);
        Map<String, Object> summary = summary(stats, ds, bundle, drained);
        if (summaryJson != null) {
            Path target = summaryJson.toAbsolutePath();
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.writeString(target, Json.PRETTY.writeValueAsString(summary) + "\n");
            out.println("summary written to " + target);
        }
        out.println("summary: " + Json.write(summary));
        if (!drained) {
            System.err.println("explainstream demo: not every event was accounted for before the drain timeout");
            return signalled ? 130 : 1;
        }
        return signalled ? 130 : 0;
    }

    /** Runs {@code action} with System.out going to the log file (Kafka's storage formatter prints to it). */
    private <T> T quietly(java.util.function.Supplier<T> action) throws IOException {
        PrintStream original = System.out;
        try (PrintStream log = new PrintStream(Files.newOutputStream(work().resolve("kafka-format.log")), true,
                StandardCharsets.UTF_8)) {
            System.setOut(log);
            return action.get();
        } finally {
            System.setOut(original);
        }
    }

    private Path work() {
        return logFile.getParent();
    }

    private void awaitRunning(ExplainstreamApp app) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || stop.getCount() == 0) {
                throw new IllegalStateException("Kafka Streams did not reach RUNNING (state "
                        + app.streams().state() + ")");
            }
            Thread.sleep(50);
        }
    }

    /** Waits until every event acknowledged by the broker is in the explained or the dead-letter topic. */
    private boolean drain(DemoStats stats, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (stats.explainedCount() + stats.dlqCount() >= stats.eventsIn.get()) {
                return true;
            }
            Thread.sleep(50);
        }
        return stats.explainedCount() + stats.dlqCount() >= stats.eventsIn.get();
    }

    private Map<String, Object> summary(DemoStats stats, Dataset ds, LoadedBundle bundle, boolean drained) {
        Map<String, Object> s = new LinkedHashMap<>();
        long explained = stats.explainedCount();
        s.put("events_in", stats.eventsIn.get());
        s.put("events_explained", explained);
        s.put("events_dlq", stats.dlqCount());
        s.put("l2e_share", explained == 0 ? 0.0 : (double) stats.l2eCount() / explained);
        s.put("latency_ms_p50", stats.percentile(0.50));
        s.put("latency_ms_p99", stats.percentile(0.99));
        s.put("latency_ms_max", stats.percentile(1.0));
        s.put("warm_up_events", WARM_UP_EVENTS);
        s.put("routed_l2e", stats.routedCount());
        s.put("events_l2e", stats.l2eCount());
        s.put("l2e_explainer", bundle.model().l2e() == null ? null : bundle.model().l2e().version());
        s.put("l2e_teacher", bundle.model().l2e() == null ? null : bundle.model().l2e().teacher());
        s.put("l2e_example", stats.lastL2eExplained());
        s.put("malformed_sent", stats.malformedIn.get());
        s.put("fidelity_rmse", stats.fidelity());
        s.put("fidelity_windows", stats.fidelityWindows());
        s.put("drained", drained);
        s.put("dataset", ds.id());
        s.put("rate", rate);
        s.put("duration_s", duration);
        s.put("bundle", bundle.model().modelId() + " " + bundle.model().version());
        return s;
    }

    private void status(DemoStats stats, long started) {
        long explained = stats.explainedCount();
        long lag = stats.lagValue();
        Double fid = stats.fidelity();
        Long p99 = stats.percentile(0.99);
        out.printf(Locale.ROOT, "[%5ds] in %d | explained %d | routed to L2E %d (%.1f%%) | DLQ %d | lag %s | "
                        + "fidelity RMSE %s | p99 %s ms%n",
                (System.nanoTime() - started) / 1_000_000_000L, stats.eventsIn.get(), explained,
                stats.routedCount(), explained == 0 ? 0.0 : 100.0 * stats.routedCount() / explained,
                stats.dlqCount(), lag < 0 ? "-" : Long.toString(lag),
                fid == null ? "-" : String.format(Locale.ROOT, "%.3f", fid), p99 == null ? "-" : p99.toString());
        out.flush();
    }

    private LoadedBundle loadBundle(Dataset ds, Path work) throws IOException {
        if (bundleDir != null) {
            step("loading the bundle " + bundleDir);
            return BundleIo.read(bundleDir);
        }
        String base = "bundles/" + ds.id() + "/";
        if (DemoCommand.class.getResource(base + BundleIo.MANIFEST) != null) {
            Path dir = Files.createDirectories(work.resolve("bundle"));
            copyResource(base + BundleIo.MANIFEST, dir.resolve(BundleIo.MANIFEST));
            ModelBundle model = BundleIo.parse(Files.readString(dir.resolve(BundleIo.MANIFEST)));
            List<String> files = new ArrayList<>(List.of(BlackBox.FILE, "report.html"));
            if (model.l2e() != null) {
                files.add(model.l2e().file());
            }
            for (String f : files) {
                if (DemoCommand.class.getResource(base + f) != null) {
                    copyResource(base + f, dir.resolve(f));
                }
            }
            step("loading the demo bundle for " + ds + " (" + model.modelId() + " " + model.version() + ")");
            return BundleIo.read(dir);
        }
        step("no fitted demo bundle for " + ds + " in this build; fitting a quick stand-in (see demo/STATUS.md)");
        return StandInFitter.fit(ds, DataTable.load(ds), work.resolve("bundle"), msg -> out.println("    " + msg));
    }

    /** The data file the bundle was fitted on: provenance dataFile / dataPath / data.path (its file name). */
    private DataTable dataFor(Dataset ds, LoadedBundle bundle) {
        String name = dataFileName(bundle.model().provenance());
        if (name == null) {
            return DataTable.load(ds);
        }
        Path inBundle = bundle.directory().resolve(name);
        if (Files.isRegularFile(inBundle)) {
            return DataTable.load(ds, inBundle);
        }
        if (!DataTable.hasCopy(ds, name)) {
            throw new IllegalStateException("the bundle was fitted on '" + name + "', but the demo has no copy of it"
                    + " (io/explainstream/demo/datasets/" + ds.id() + "/" + name + ", or in the bundle folder)");
        }
        return DataTable.loadCopy(ds, name);
    }

    static String dataFileName(Map<String, Object> provenance) {
        if (provenance == null) {
            return null;
        }
        Object v = provenance.get("dataFile");
        if (v == null) {
            v = provenance.get("dataPath");
        }
        if (v == null && provenance.get("data") instanceof Map<?, ?> data) {
            v = data.get("path") != null ? data.get("path") : data.get("file");
        }
        if (v == null && provenance.get("data") instanceof String s) {
            v = s;
        }
        if (v == null) {
            return null;
        }
        String s = v.toString().replace('\\', '/');
        return s.substring(s.lastIndexOf('/') + 1);
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream(name)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path cacheDir() {
        if (cacheDir != null) {
            return cacheDir.toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("explainstream");
    }

    private Path prepareWorkDir() throws IOException {
        if (workDir != null) {
            return Files.createDirectories(workDir.toAbsolutePath());
        }
        // Not Files.createTempDirectory: it would fix java.io.tmpdir for this JVM before we move it into the work folder.
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 100; i++) {
            Path p = base.resolve("explainstream-demo-" + Long.toUnsignedString(r.nextLong(), 36));
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                // try another name
            }
        }
        throw new IOException("cannot create a work folder in " + base);
    }

    private void cleanUp(Path work, Path tmp, boolean ownWorkDir) {
        while (!resources.isEmpty()) {
            AutoCloseable r = resources.pop();
            try {
                r.close();
            } catch (Exception e) {
                System.err.println("explainstream demo: closing " + r.getClass().getSimpleName() + " failed: " + e);
            }
        }
        try {
            deleteRecursively(ownWorkDir ? work : tmp);

            if (ownWorkDir) {
                out.println("stopped; work folder " + work + " deleted");
            } else {
                out.println("stopped; work folder " + work + " kept (logs, broker data, state)");
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("explainstream demo: could not delete " + (ownWorkDir ? work : tmp) + ": " + e);
        }
        out.flush();
    }

    private void printLogTail() {
        if (logFile == null || !Files.isRegularFile(logFile)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            System.err.println("--- last lines of " + logFile + " ---");
            lines.subList(Math.max(0, lines.size() - 30), lines.size()).forEach(System.err::println);
        } catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    private void step(String what) {
        out.println("  - " + what);
        out.flush();
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
