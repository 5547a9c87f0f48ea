package io.explainstream.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistrySettingsTest {

    @Test
    void urlIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RegistrySettings(" ", true));
        assertTrue(e.getMessage().contains("schema.registry.url"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new RegistrySettings(null, true, null));
    }

    @Test
    void toStringMasksSecrets() {
        RegistrySettings settings = new RegistrySettings("https://registry:8081", false, Map.of(
                "basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", "alice:s3cr3t",
                "schema.registry.ssl.truststore.password", "hunter2",
                "bearer.auth.token", "tok-123",
                "schema.registry.ssl.truststore.location", "/etc/ts.jks"));
        String text = settings.toString();
        assertFalse(text.contains("s3cr3t"), text);
        assertFalse(text.contains("hunter2"), text);
        assertFalse(text.contains("tok-123"), text);
        assertFalse(text.contains("USER_INFO"), text);
        assertTrue(text.contains("/etc/ts.jks"), text);
        assertTrue(text.contains("https://registry:8081"), text);
        assertEquals("alice:s3cr3t", settings.clientProperties().get("basic.auth.user.info"));
    }
}
