package io.explainstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One child process of a test server: started with its output appended to a log file, waited for until a readiness
 * check passes (or it exits, or a timeout passes: then it is killed and the error quotes the log's tail), stopped with
 * SIGTERM and, after the stop timeout, SIGKILL, or killed outright; a JVM shutdown hook kills it if its owner never
 * closes it.
 */
final class ChildProcess {
    /** A readiness check; an exception means "not yet". */
    @FunctionalInterface
    interface Check {
        boolean ready() throws Exception;
    }

    private final String what;
    private final Path logFile;
    private final Duration stopTimeout;
    private final Thread shutdownHook;
    private volatile Process process;

    /** {@code what} names the server in messages, e.g. "the Kafka broker". The shutdown hook is registered. */
    ChildProcess(String what, Path logFile, Duration stopTimeout) {
        this.what = what;
        this.logFile = logFile;
        this.stopTimeout = stopTimeout;
        this.shutdownHook = new Thread(this::kill, what + " shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The running JVM's {@code java} command. */
    static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** A {@code java} command line: the given JVM options, then the rest. */
    static List<String> java(List<String> jvmOptions, String... rest) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java());
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of(rest));
        return cmd;
    }

    /** A free TCP port on the loopback address. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /**
     * Runs {@code builder} to completion (e.g. a one-off tool), its output appended to the log.
     *
     * @throws IllegalStateException it failed or took longer than {@code timeout}
     */
    void runOnce(ProcessBuilder builder, Duration timeout, String action) {
        try {
            Process p = toLog(builder).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(action + " failed; log " + logFile + ":\n" + logTail());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + action + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + action, e);
        }
    }

    /** Starts {@code builder} (output appended to the log) and waits until {@code check} passes. */
    synchronized void start(ProcessBuilder builder, Duration timeout, Check check) {
        try {
            process = toLog(builder).start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + what + ": " + e, e);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(what + " exited with status " + process.exitValue()
                        + " before it was ready; log " + logFile + ":\n" + logTail());
            }
            try {
                if (check.ready()) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            } catch (Exception notYet) {
                // not answering yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                kill();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        kill();
        throw new IllegalStateException(what + " was not ready after " + timeout + "; log " + logFile + ":\n"
                + logTail());
    }

    /** SIGTERM, SIGKILL after the stop timeout; {@code true} if it had to be killed. No-op when not running. */
    synchronized boolean stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return false;
        }
        p.destroy();
        try {
            if (!p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly().waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** SIGKILL, then waits up to the stop timeout for it to go. No-op when not running. */
    synchronized void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroyForcibly();
        try {
            p.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the process is alive. */
    boolean running() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The process id, or -1 when it is not running. */
    long pid() {
        Process p = process;
        return p == null || !p.isAlive() ? -1 : p.pid();
    }

    /** Kills the process (if running) and removes the shutdown hook. */
    void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    /** The last 40 lines of the log. */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private ProcessBuilder toLog(ProcessBuilder builder) {
        return builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    }
}
