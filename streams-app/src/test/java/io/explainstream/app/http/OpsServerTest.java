package io.explainstream.app.http;

import io.explainstream.app.config.AppConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The operations endpoints over real HTTP: where they listen, and the bearer token. */
class OpsServerTest {
    private static final String TOKEN = "ops-token-0c9e51d2a7";

    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean ready = new AtomicBoolean(true);
    private PrometheusMeterRegistry meters;
    private OpsServer server;

    @BeforeEach
    void meters() {
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meters.counter("explainstream.test.requests").increment(3);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        meters.close();
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void byDefaultTheEndpointsListenOnLoopbackOnly() throws Exception {
        AppConfig defaults = AppConfig.parse(Map.of("explainstream.bundle.path", "/models/m",
                "bootstrap.servers", "b:9092", "schema.registry.url", "http://r:8081"));
        assertEquals("127.0.0.1", defaults.httpHost());
        assertEquals(9464, defaults.httpPort());

        server = OpsServer.start(defaults.httpHost(), 0, defaults.httpToken(), meters, ready::get);

        assertEquals(InetAddress.getByName("127.0.0.1"), server.address().getAddress());
        assertTrue(server.address().getAddress().isLoopbackAddress());
        assertEquals(200, get("/metrics", null).statusCode(), "no token configured, none required");
    }

    @Test
    void withoutATokenEveryEndpointIsOpen() throws Exception {
        server = OpsServer.start("127.0.0.1", 0, null, meters, ready::get);

        assertTrue(get("/metrics", null).body().contains("explainstream_test_requests_total 3.0"));
        assertEquals(200, get("/health/live", null).statusCode());
        assertEquals(200, get("/health/ready", null).statusCode());
        ready.set(false);
        assertEquals(503, get("/health/ready", null).statusCode());
    }

    @Test
    void notReadyAnswersWithTheReason() throws Exception {
        java.util.concurrent.atomic.AtomicReference<String> reason = new java.util.concurrent.atomic.AtomicReference<>();
        server = OpsServer.start("127.0.0.1", 0, null, meters, reason::get);

        assertEquals(200, get("/health/ready", null).statusCode());
        reason.set("waiting for the schema registry");
        HttpResponse<String> r = get("/health/ready", null);
        assertEquals(503, r.statusCode());
        assertEquals("not ready: waiting for the schema registry\n", r.body());
    }

    @Test
    void withATokenMetricsAndReadinessRequireIt() throws Exception {
        server = OpsServer.start("127.0.0.1", 0, TOKEN, meters, ready::get);

        for (String path : new String[]{"/metrics", "/health/ready"}) {
            for (String wrong : new String[]{null, "Bearer", "Bearer ", "Bearer " + TOKEN.substring(0, 10),
                    "Bearer " + TOKEN + "x", "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN.toUpperCase()}) {
                HttpResponse<String> r = get(path, wrong);
                assertEquals(401, r.statusCode(), path + " with " + wrong);
                assertEquals("Bearer realm=\"explainstream\"", r.headers().firstValue("WWW-Authenticate").orElse(""));
                assertFalse(r.body().contains(TOKEN), r.body());
                assertFalse(r.body().contains("explainstream_test_requests"), "nothing leaks: " + r.body());
            }
        }
        HttpResponse<String> metrics = get("/metrics", "Bearer " + TOKEN);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("explainstream_test_requests_total 3.0"), metrics.body());
        assertEquals(200, get("/metrics", "bearer " + TOKEN).statusCode(), "the scheme is case-insensitive");
        assertEquals("ready\n", get("/health/ready", "Bearer " + TOKEN).body());
        ready.set(false);
        assertEquals(503, get("/health/ready", "Bearer " + TOKEN).statusCode());
    }

    @Test
    void livenessStaysOpenWithAToken() throws Exception {
        server = OpsServer.start("127.0.0.1", 0, TOKEN, meters, ready::get);

        HttpResponse<String> live = get("/health/live", null);
        assertEquals(200, live.statusCode());
        assertEquals("live\n", live.body());
    }
}
