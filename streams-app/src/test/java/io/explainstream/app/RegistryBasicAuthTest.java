package io.explainstream.app;

import com.sun.net.httpserver.HttpServer;
import io.explainstream.app.config.AppConfig;
import io.explainstream.app.config.ConfigSources;
import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.serde.SchemaRegistryException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry client sends the configured basic-auth user info: a tiny registry that requires Basic auth answers
 * only when the credentials read from {@code EXPLAINSTREAM_BASIC_AUTH_USER_INFO_FILE} arrive with the request.
 */
class RegistryBasicAuthTest {
    private static final String USER_INFO = "svc:registry-pw-4c2e19";

    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private HttpServer registry;

    @TempDir
    Path dir;

    @BeforeEach
    void startRegistry() throws Exception {
        String expected = "Basic " + Base64.getEncoder().encodeToString(USER_INFO.getBytes(StandardCharsets.UTF_8));
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        registry.createContext("/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(auth == null ? "none" : auth);
            boolean ok = expected.equals(auth) && ex.getRequestMethod().equals("POST")
                    && ex.getRequestURI().getPath().equals("/subjects/events-value/versions");
            byte[] body = (ok ? "{\"id\":42}" : "{\"error_code\":401,\"message\":\"Unauthorized\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    private ConfluentSchemaRegistry client(String userInfo) throws Exception {
        Path secret = Files.writeString(dir.resolve("registry-user-info"), userInfo + "\n");
        Map<String, String> env = Map.of("EXPLAINSTREAM_BASIC_AUTH_USER_INFO_FILE", secret.toString());
        Map<String, String> settings = Map.of("explainstream.bundle.path", "/models/m", "bootstrap.servers", "b:9092",
                "schema.registry.url", "http://127.0.0.1:" + registry.getAddress().getPort(),
                "basic.auth.credentials.source", "USER_INFO");
        AppConfig config = AppConfig.parse(ConfigSources.merge(null, env, settings));
        return ConfluentSchemaRegistry.connect(config.registry());
    }

    @Test
    void theUserInfoFromTheFileIsSentWithEveryRequest() throws Exception {
        try (ConfluentSchemaRegistry client = client(USER_INFO)) {
            assertEquals(42, client.register("events-value", PredictionEvent.getClassSchema()));
        }
        assertEquals(1, authorizations.size(), authorizations.toString());
    }

    @Test
    void aWrongPasswordIsRefusedAndTheErrorDoesNotShowIt() throws Exception {
        String wrong = "svc:wrong-pw-9d0a77";
        try (ConfluentSchemaRegistry client = client(wrong)) {
            SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                    () -> client.register("events-value", PredictionEvent.getClassSchema()));
            assertTrue(e.getMessage().contains("401") || e.getMessage().contains("Unauthorized"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pw-9d0a77"), e.getMessage());
            assertFalse(e.getMessage().contains(Base64.getEncoder().encodeToString(
                    wrong.getBytes(StandardCharsets.UTF_8))), e.getMessage());
        }
        assertFalse(authorizations.isEmpty());
        assertTrue(authorizations.stream().noneMatch("none"::equals), "credentials were sent: " + authorizations);
    }
}
