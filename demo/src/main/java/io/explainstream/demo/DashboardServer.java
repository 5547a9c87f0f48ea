package io.explainstream.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The dashboard: a page and its assets from the classpath (no CDN), {@code /api/state} (a JSON snapshot),
 * {@code /api/summary}, and {@code /events}, a server-sent-event stream of explained events, dead letters and
 * one-second stats. The page carries the snapshot inline, so it draws at once, then follows the stream.
 */
final class DashboardServer implements AutoCloseable {
    private static final String ASSETS = "dashboard/";
    private static final String[] POISON = {"", ""};

    private final HttpServer server;
    private final ExecutorService executor;
    private final DemoStats stats;
    private final Supplier<Map<String, Object>> summary;
    private final List<BlockingQueue<String[]>> streams = new CopyOnWriteArrayList<>();

    private DashboardServer(HttpServer server, ExecutorService executor, DemoStats stats,
                            Supplier<Map<String, Object>> summary) {
        this.server = server;
        this.executor = executor;
        this.stats = stats;
        this.summary = summary;
    }

    static DashboardServer start(int port, DemoStats stats, Supplier<Map<String, Object>> summary) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (BindException e) {
            throw new IllegalStateException("the dashboard port " + port + " on 127.0.0.1 is in use; choose another"
                    + " with --port (0 picks a free one)", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "demo-dashboard");
            t.setDaemon(true);
            return t;
        });
        DashboardServer d = new DashboardServer(server, executor, stats, summary);
        server.createContext("/", d::page);
        server.createContext("/assets/", d::asset);
        server.createContext("/api/state", ex -> d.json(ex, stats.snapshot()));
        server.createContext("/api/summary", ex -> d.json(ex, summary.get()));
        server.createContext("/events", d::events);
        server.setExecutor(executor);
        server.start();
        return d;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void page(HttpExchange ex) throws IOException {
        if (!ex.getRequestURI().getPath().equals("/") && !ex.getRequestURI().getPath().equals("/index.html")) {
            send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String html = new String(resource("index.html"), StandardCharsets.UTF_8);
        String state = Json.write(stats.snapshot()).replace("</", "<\\/");
        html = html.replace("/*INITIAL_STATE*/null", state);
        send(ex, 200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
    }

    private void asset(HttpExchange ex) throws IOException {
        String name = ex.getRequestURI().getPath().substring("/assets/".length());
        if (!name.matches("[a-z0-9-]+\\.(js|css)")) {
            send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        byte[] body = resource(name);
        if (body == null) {
            send(ex, 404, "text/plain", "not found\n".getBytes(StandardCharsets.UTF_8));
            return;
        }
        send(ex, 200, name.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8", body);
    }

    private void json(HttpExchange ex, Object body) throws IOException {
        send(ex, 200, "application/json", Json.write(body).getBytes(StandardCharsets.UTF_8));
    }

    private void events(HttpExchange ex) throws IOException {
        BlockingQueue<String[]> queue = new LinkedBlockingQueue<>(10_000);
        Consumer<String[]> listener = m -> queue.offer(m);
        streams.add(queue);
        stats.listen(listener);
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                String[] m = queue.poll(15, TimeUnit.SECONDS);
                if (m == POISON) {
                    return;
                }
                String text = m == null ? ": keep-alive\n\n" : "event: " + m[0] + "\ndata: " + m[1] + "\n\n";
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | InterruptedException gone) {
            // the browser went away, or the demo is stopping
        } finally {
            stats.unlisten(listener);
            streams.remove(queue);
            ex.close();
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = DashboardServer.class.getResourceAsStream(ASSETS + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        for (BlockingQueue<String[]> q : streams) {
            q.clear();
            q.offer(POISON);
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(3, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
