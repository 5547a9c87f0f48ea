package io.explainstream.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 3.0.9 (in-memory storage) in a child JVM on 127.0.0.1, for tests that need a
 * Confluent-compatible schema registry. The app zip comes from the local Maven repository (path in
 * {@code testkit.properties}) and is unpacked once into {@code ${java.io.tmpdir}/explainstream-apicurio-3.0.9}.
 * {@link #url()} is the Confluent-compatible API base ({@code /apis/ccompat/v7}). The child process is destroyed by
 * {@link #close()} or, failing that, by a JVM shutdown hook. State is lost on {@link #stop()}/{@link #restart()},
 * except with {@link #startPersistent}, whose storage is an H2 file database: it comes back with the same schemas
 * and ids.
 */
public final class ApicurioRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistry.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final Path home;
    private final String runnerJar;
    private final int port;
    private final Path logFile;
    private final List<String> extraJvmArgs;
    private final String datasourceUrl;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ChildProcess child;

    private ApicurioRegistry(Path home, String runnerJar, int port, Path logFile, List<String> extraJvmArgs) {
        this(home, runnerJar, port, logFile, extraJvmArgs, null);
    }

    private ApicurioRegistry(Path home, String runnerJar, int port, Path logFile, List<String> extraJvmArgs,
                             String datasourceUrl) {
        this.datasourceUrl = datasourceUrl;
        this.home = home;
        this.runnerJar = runnerJar;
        this.port = port;
        this.logFile = logFile;
        this.extraJvmArgs = List.copyOf(extraJvmArgs);
        this.child = new ChildProcess("Apicurio Registry", logFile, STOP_TIMEOUT);
    }

    /** Unpacks the app if needed, starts it on a free port and waits until its API answers. */
    public static ApicurioRegistry start() {
        Properties props = testkitProperties();
        String version = props.getProperty("apicurio.version");
        Path zip = Path.of(props.getProperty("apicurio.zip"));
        try {
            Path home = unpack(zip, Path.of(System.getProperty("java.io.tmpdir"), "explainstream-apicurio-" + version));
            Path logDir = Files.createTempDirectory("explainstream-apicurio-log");
            ApicurioRegistry registry = new ApicurioRegistry(home, "apicurio-registry-app-" + version + "-runner.jar",
                    ChildProcess.freePort(), logDir.resolve("apicurio.log"), List.of());
            return launched(registry);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Apicurio Registry from " + zip + ": " + e, e);
        }
    }

    /**
     * Like {@link #start()}, but keeps every file in folders the caller chooses: the app is unpacked once into
     * {@code installRoot/explainstream-apicurio-VERSION} (a cache that can be shared between runs), and the log
     * ({@code apicurio.log}) and the child JVM's temporary files ({@code java.io.tmpdir}, no hsperfdata) go into
     * {@code runDir}. Nothing is written anywhere else.
     */
    public static ApicurioRegistry start(Path installRoot, Path runDir) {
        Properties props = testkitProperties();
        String version = props.getProperty("apicurio.version");
        Path zip = Path.of(props.getProperty("apicurio.zip"));
        try {
            Path home = unpack(zip, installRoot.resolve("explainstream-apicurio-" + version));
            Path tmp = Files.createDirectories(runDir.resolve("tmp"));
            ApicurioRegistry registry = new ApicurioRegistry(home, "apicurio-registry-app-" + version + "-runner.jar",
                    ChildProcess.freePort(), runDir.resolve("apicurio.log"),
                    List.of("-Djava.io.tmpdir=" + tmp, "-XX:-UsePerfData"));
            return launched(registry);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Apicurio Registry from " + zip + ": " + e, e);
        }
    }

    /**
     * Like {@link #start()}, but the registry keeps its schemas in an H2 file database under {@code dataDir}
     * ({@code APICURIO_DATASOURCE_URL=jdbc:h2:file:...}), which survives {@link #stop()} and {@link #restart()}:
     * the restarted registry serves the same ids. Its log is {@code dataDir/apicurio.log}.
     */
    public static ApicurioRegistry startPersistent(Path dataDir) {
        Properties props = testkitProperties();
        String version = props.getProperty("apicurio.version");
        Path zip = Path.of(props.getProperty("apicurio.zip"));
        try {
            Path home = unpack(zip, Path.of(System.getProperty("java.io.tmpdir"), "explainstream-apicurio-" + version));
            Files.createDirectories(dataDir);
            ApicurioRegistry registry = new ApicurioRegistry(home, "apicurio-registry-app-" + version + "-runner.jar",
                    ChildProcess.freePort(), dataDir.resolve("apicurio.log"), List.of("-XX:-UsePerfData"),
                    "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("registry"));
            return launched(registry);
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare Apicurio Registry from " + zip + ": " + e, e);
        }
    }

    private static ApicurioRegistry launched(ApicurioRegistry registry) {
        try {
            registry.launch();
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** The process id of the registry's JVM, or -1 when it is not running. */
    public long pid() {
        return child.pid();
    }

    /** The Confluent-compatible API base URL, e.g. {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String url() {
        return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    }

    /** The registry's log file. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Stops the registry process (SIGTERM; the port stays reserved for {@link #restart()}); its in-memory state is
     * lost, a {@link #startPersistent} registry's is kept.
     */
    public synchronized void stop() {
        child.stop();
    }

    /**
     * Starts the registry again on the same port (stopping it first if it runs); it comes back empty, or with its
     * schemas when it is {@link #startPersistent persistent}.
     */
    public synchronized void restart() {
        child.stop();
        launch();
    }

    /** Whether the registry process is alive. */
    public boolean running() {
        return child.running();
    }

    /** Stops the registry process. */
    @Override
    public synchronized void close() {
        child.stop();
        child.close();
    }

    private synchronized void launch() {
        List<String> jvm = new ArrayList<>(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        jvm.addAll(extraJvmArgs);
        ProcessBuilder builder = new ProcessBuilder(ChildProcess.java(jvm, "-jar", runnerJar)).directory(home.toFile());
        builder.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        if (datasourceUrl != null) {
            builder.environment().put("APICURIO_DATASOURCE_URL", datasourceUrl);
        }
        HttpRequest subjects = HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long started = System.nanoTime();
        child.start(builder, START_TIMEOUT,
                () -> http.send(subjects, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        LOG.info("Apicurio Registry ready at {} in {} ms (pid {}, log {})", url(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), child.pid(), logFile);
    }

    private static Properties testkitProperties() {
        Properties props = new Properties();
        try (InputStream in = ApicurioRegistry.class.getResourceAsStream("testkit.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/explainstream/testkit/testkit.properties is missing from the classpath");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    private static Path unpack(Path zip, Path target) throws IOException {
        if (Files.isDirectory(target)) {
            return target;
        }
        if (!Files.isRegularFile(zip)) {
            throw new IllegalStateException("Apicurio Registry app zip not found at " + zip
                    + "; resolve io.apicurio:apicurio-registry-app:zip:all into the local Maven repository"
                    + " (e.g. mvn -pl testkit dependency:resolve)");
        }
        Files.createDirectories(target.getParent());
        Path staging = Files.createTempDirectory(target.getParent(), target.getFileName() + ".unpacking-");
        try {
            try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                    Path out = staging.resolve(entry.getName()).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("zip entry escapes the target folder: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(out);
                    } else {
                        Files.createDirectories(out.getParent());
                        Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException | java.nio.file.DirectoryNotEmptyException e) {
                if (!Files.isDirectory(target)) {
                    throw e;
                }
            }
        } finally {
            deleteRecursively(staging);
        }
        return target;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(paths::add);
        }
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}
