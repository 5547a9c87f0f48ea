package io.explainstream.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * End to end: {@code bin/explainstream demo} as a child process (EXPLAINSTREAM_NO_BUILD=1, the jar `package` built),
 * with its own TMPDIR and HOME so that every file it writes can be accounted for. The dashboard is opened in headless
 * Chromium (Debian's {@code chromium}; {@code .ci/run} installs it), which must show the group cards and the live
 * feed; its screenshot is kept as {@code target/screenshots/dashboard.png}.
 */
class DemoIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path TARGET = Path.of("target").toAbsolutePath();
    private static final Path CACHE = TARGET.resolve("apicurio-cache");
    private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private Path base;
    private Path tmp;
    private Path home;
    private Process demo;
    private Path log;

    @BeforeEach
    void folders() throws IOException {
        base = TARGET.resolve("demo-it").resolve(UUID.randomUUID().toString());
        tmp = Files.createDirectories(base.resolve("tmp"));
        home = Files.createDirectories(base.resolve("home"));
        log = base.resolve("demo.out");
    }

    @AfterEach
    void stop() {
        if (demo != null && demo.isAlive()) {
            demo.descendants().forEach(ProcessHandle::destroyForcibly);
            demo.destroyForcibly();
        }
    }

    @Test
    void shouldRunForItsDurationAndAccountForEveryEvent() throws Exception {
        // no browser in this run: on a small machine it would take the CPU the latency figures measure
        Path summary = base.resolve("summary.json");
        start("--duration", "40", "--summary-json", summary.toString());
        String url = awaitDashboard();
        List<ProcessHandle> children = demo.descendants().toList();
        assertFalse(children.isEmpty(), "the registry runs as a child process");
        awaitExplained(url, 50);


        assertTrue(demo.waitFor(150, TimeUnit.SECONDS), "the demo stops by itself after --duration\n" + tail());
        assertEquals(0, demo.exitValue(), tail());
        JsonNode s = JSON.readTree(summary.toFile());
        long in = s.path("events_in").asLong();
        assertTrue(in > 1000, "events produced: " + in);
        assertEquals(in, s.path("events_explained").asLong() + s.path("events_dlq").asLong(),
                "every event is explained or dead-lettered: " + s);
        assertTrue(s.path("events_dlq").asLong() > 0, "malformed records reach the DLQ");
        assertTrue(s.path("fidelity_windows").asLong() > 0, "the dashboard reads the app's fidelity windows: " + s);
        double l2e = s.path("l2e_share").asDouble();
        assertTrue(l2e > 0 && l2e < 0.5, "some, not most, events are explained by L2E: " + s);
        assertTrue(s.path("l2e_explainer").asText().startsWith("l2e-"), "a trained L2E explainer: " + s);
        assertEquals("lime", s.path("l2e_teacher").asText(), "distilled from LIME by the trainer: " + s);
        assertEquals(s.path("l2e_explainer").asText(), s.path("l2e_example").path("explainer").asText());
        JsonNode example = s.path("l2e_example");
        assertEquals("L2E", example.path("source").asText(), s.toString());
        assertTrue(example.path("features").size() > 0, "the L2E explanation names features: " + example);
        List<String> wineFeatures = List.of("fixed acidity", "volatile acidity", "citric acid", "residual sugar",
                "chlorides", "free sulfur dioxide", "total sulfur dioxide", "density", "pH", "sulphates", "alcohol");
        for (JsonNode f : example.path("features")) {
            assertTrue(wineFeatures.contains(f.path("name").asText()), "a wine feature: " + f);
            assertTrue(List.of("HIGH_NEGATIVE", "LOW_NEGATIVE", "NEUTRAL", "LOW_POSITIVE", "HIGH_POSITIVE")
                    .contains(f.path("label").asText()), "a label: " + f);
        }
        assertTrue(s.path("latency_ms_p99").asLong() < 500, "p99 latency below 500 ms at the default rate: " + s);
        assertTrue(s.path("latency_ms_p50").asLong() <= s.path("latency_ms_p99").asLong());
        assertNothingLeft(children, true);
    }

    @Test
    void shouldShowGroupsAndLiveEventsInABrowserAndStopEverythingOnSigint() throws Exception {
        start();
        String url = awaitDashboard();
        List<ProcessHandle> children = demo.descendants().toList();
        awaitExplained(url, 30);

        // server-sent events arrive
        assertTrue(sseDelivers(url + "events", "event: explained"), "the /events stream delivers explained events");

        // the page in a real browser: group cards and live events
        String dom = chromium("--dump-dom", url);
        JsonNode state = JSON.readTree(get(url + "api/state"));
        int groups = state.path("bundle").path("groups").size();
        assertTrue(groups > 0);
        assertEquals(groups, count(dom, "class=\"group\""), "one card per group");
        assertTrue(count(dom, "class=\"ev") >= 5, "live events in the feed");
        assertTrue(dom.contains("Group 0") && dom.contains("fidelity RMSE"), "group cards show their numbers");
        Path shot = Files.createDirectories(TARGET.resolve("screenshots")).resolve("dashboard.png");
        Files.deleteIfExists(shot);
        chromium("--screenshot=" + shot, url);
        assertTrue(Files.isRegularFile(shot) && Files.size(shot) > 20_000, "screenshot " + shot);

        signal("INT");
        assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "stops within 90 s of SIGINT\n" + tail());
        assertTrue(tail().contains("stopped; work folder"), tail());
        assertNothingLeft(children, true);
    }

    @Test
    void shouldStopEverythingOnSigtermAndKeepAGivenWorkFolder() throws Exception {
        Path work = base.resolve("work");
        start("--work-dir", work.toString());
        String url = awaitDashboard();
        List<ProcessHandle> children = demo.descendants().toList();
        awaitExplained(url, 20);
        signal("TERM");
        assertTrue(demo.waitFor(90, TimeUnit.SECONDS), "stops within 90 s of SIGTERM\n" + tail());
        assertNothingLeft(children, true);
        assertTrue(Files.isRegularFile(work.resolve("demo.log")), "a given work folder is kept, with the log");
        assertFalse(Files.exists(work.resolve("tmp")), "its tmp folder is deleted");
    }

    private void start(String... extra) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("bin/explainstream").toString(), "demo",
                "--port", Integer.toString(freePort()), "--cache-dir", CACHE.toString(), "--status-interval", "2"));
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("EXPLAINSTREAM_NO_BUILD", "1");
        pb.environment().put("EXPLAINSTREAM_JAVA_OPTS", "-Xmx768m");
        pb.environment().put("TMPDIR", tmp.toString());
        pb.environment().put("HOME", home.toString());
        pb.environment().remove("XDG_CACHE_HOME");
        demo = pb.start();
    }

    private String awaitDashboard() throws Exception {
        Pattern p = Pattern.compile("dashboard:\\s+(http://127\\.0\\.0\\.1:\\d+/)");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(Files.readString(log));
            if (m.find()) {
                return m.group(1);
            }
            if (!demo.isAlive()) {
                fail("the demo exited with " + demo.exitValue() + " before it was ready\n" + tail());
            }
            Thread.sleep(200);
        }
        fail("the demo was not ready in 240 s\n" + tail());
        return null;
    }

    private void awaitExplained(String url, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode s = JSON.readTree(get(url + "api/state"));
            if (s.path("stats").path("explained").asLong() >= n && s.path("recent").size() > 0) {
                return;
            }
            Thread.sleep(250);
        }
        fail("fewer than " + n + " events explained in 60 s\n" + tail());
    }

    private void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(demo.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    /** No process the demo started is alive; nothing in TMPDIR (the default work folder is gone) or HOME. */
    private void assertNothingLeft(List<ProcessHandle> children, boolean expectEmptyTmp) throws Exception {
        for (ProcessHandle c : children) {
            c.onExit().get(20, TimeUnit.SECONDS);
            assertFalse(c.isAlive(), "child process " + c.pid() + " " + c.info().command().orElse("") + " is left");
        }
        assertFalse(demo.isAlive());
        assertEquals(List.of(), list(home), "nothing written to HOME");
        if (expectEmptyTmp) {
            assertEquals(List.of(), list(tmp), "nothing left in TMPDIR\n" + tail());
        }
        assertFalse(Files.exists(Path.of("/tmp/hsperfdata_" + System.getProperty("user.name"),
                Long.toString(demo.pid()))), "no hsperfdata file for the demo's JVM");
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private String chromium(String mode, String url) throws Exception {
        if (!Files.isExecutable(Path.of(CHROMIUM))) {
            fail(CHROMIUM + " is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does)");
        }
        Path profile = Files.createTempDirectory(base, "chromium-profile");
        Path out = base.resolve("chromium-" + UUID.randomUUID() + ".out");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=1400,1000",
                "--hide-scrollbars", mode, url));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
                .redirectError(base.resolve("chromium.err").toFile());
        pb.environment().put("HOME", profile.toString());
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("chromium did not finish in 90 s: " + Files.readString(base.resolve("chromium.err")));
        }
        return Files.readString(out);
    }

    private static boolean sseDelivers(String url, String expected) throws Exception {
        HttpResponse<InputStream> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (String line; System.nanoTime() < deadline && (line = in.readLine()) != null; ) {
                if (line.equals(expected)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String tail() {
        try {
            String s = Files.readString(log);
            return s.length() > 8000 ? s.substring(s.length() - 8000) : s;
        } catch (IOException e) {
            return e.toString();
        }
    }
}
