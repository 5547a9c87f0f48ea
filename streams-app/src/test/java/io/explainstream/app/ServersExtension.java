package io.explainstream.app;

import io.explainstream.serde.ConfluentSchemaRegistry;
import io.explainstream.testkit.ApicurioRegistry;
import io.explainstream.testkit.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * {@link ItServers} for a whole test class: {@code @RegisterExtension static final ServersExtension servers = new
 * ServersExtension();} starts a plaintext broker and a registry before the class's tests and closes them after.
 */
final class ServersExtension implements BeforeAllCallback, AfterAllCallback {
    private ItServers servers;

    @Override
    public void beforeAll(ExtensionContext context) {
        servers = ItServers.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (servers != null) {
            servers.close();
            servers = null;
        }
    }

    EmbeddedKafka kafka() {
        return servers.kafka();
    }

    ApicurioRegistry registryServer() {
        return servers.registryServer();
    }

    ConfluentSchemaRegistry registry() {
        return servers.registry();
    }
}
