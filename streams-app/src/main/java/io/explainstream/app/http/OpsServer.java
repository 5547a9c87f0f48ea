package io.explainstream.app.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoints: {@code /metrics} (Prometheus text format), {@code /health/live} and
 * {@code /health/ready} (200 only while {@code ready} holds, else 503). Bound to 127.0.0.1 unless configured.
 * With a token, {@code /metrics} and {@code /health/ready} answer 401 unless the request carries
 * {@code Authorization: Bearer <token>}; {@code /health/live} stays open (it tells only that the process serves HTTP,
 * and a liveness probe must not fail because a token was rotated).
 */
public final class OpsServer implements AutoCloseable {
    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** Starts the endpoints on {@code host:port}; {@code token} null means no token is required. */
    public static OpsServer start(String host, int port, String token, PrometheusMeterRegistry registry,
                                  BooleanSupplier ready) {
        return start(host, port, token, registry, () -> ready.getAsBoolean() ? null : "");
    }

    /**
     * Like {@link #start(String, int, String, PrometheusMeterRegistry, BooleanSupplier)}, with the reason the app
     * is not ready ({@code null} when it is) in the 503's body: {@code not ready: REASON}.
     */
    public static OpsServer start(String host, int port, String token, PrometheusMeterRegistry registry,
                                  Supplier<String> notReadyReason) {
        BearerToken required = BearerToken.of(token);
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(host, port), 16);
            s.createContext("/metrics", guarded(required, ex -> reply(ex, 200,
                    "text/plain; version=0.0.4; charset=utf-8", registry.scrape())));
            s.createContext("/health/live", ex -> reply(ex, 200, "text/plain", "live\n"));
            s.createContext("/health/ready", guarded(required, ex -> {
                String reason = notReadyReason.get();
                reply(ex, reason == null ? 200 : 503, "text/plain", reason == null ? "ready\n"
                        : reason.isEmpty() ? "not ready\n" : "not ready: " + reason + "\n");
            }));
            s.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "explainstream-http");
                t.setDaemon(true);
                return t;
            }));
            s.start();
            return new OpsServer(s);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + host + ":" + port + " for /metrics and /health: "
                    + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address the endpoints are bound to. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    private static HttpHandler guarded(BearerToken token, HttpHandler handler) {
        if (token == null) {
            return handler;
        }
        return ex -> {
            if (token.admits(ex)) {
                handler.handle(ex);
            } else {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"explainstream\"");
                reply(ex, 401, "text/plain", "unauthorized: send Authorization: Bearer <explainstream.http.token>\n");
            }
        };
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
