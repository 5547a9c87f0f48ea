package io.explainstream.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The app under test as its own process: {@code io.explainstream.app.Main run --config FILE} in a child JVM with
 * this JVM's class path (which holds the serving app), every incarnation logging to the same file. It can be killed
 * (SIGKILL) and started again, as an operator's supervisor would.
 */
final class AppChild implements AutoCloseable {
    private static final Pattern RUNNING = Pattern.compile(Pattern.quote("-> RUNNING"));

    private final Path config;
    private final Path log;
    private Process process;
    private int starts;

    AppChild(Path config, Path log) {
        this.config = config;
        this.log = log;
    }

    /** Starts an incarnation and waits (up to 2 minutes) until its Kafka Streams client is RUNNING. */
    void start() throws IOException, InterruptedException {
        int runningBefore = runningCount();
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        process = new ProcessBuilder(List.of(java, "-Xmx512m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                // the app logs at INFO (its state changes are how this class sees it RUNNING), whatever the
                // load generator's own simplelogger.properties says
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info", "-cp", System.getProperty("java.class.path"), "io.explainstream.app.Main", "run",
                "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        starts++;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (runningCount() <= runningBefore) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the app exited with status " + process.exitValue() + "; log:\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the app did not reach RUNNING in 2 minutes; log:\n" + tail());
            }
            Thread.sleep(100);
        }
    }

    /** SIGKILL: no shutdown hook, no commit, no flush. */
    long kill() throws InterruptedException {
        long pid = process.pid();
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        return pid;
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int starts() {
        return starts;
    }

    Path log() {
        return log;
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private int runningCount() {
        try {
            return Files.exists(log) ? (int) RUNNING.matcher(Files.readString(log)).results().count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Stops the app with SIGTERM (a clean shutdown), SIGKILL after 40 s. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(40, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
