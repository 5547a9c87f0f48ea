package io.explainstream.serde;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.ParsedSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.avro.AvroSchema;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.MockSchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.SchemaRegistryClient;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.entities.Config;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.rest.exceptions.RestClientException;

/**
 * {@link SchemaRegistry} on Confluent's {@code CachedSchemaRegistryClient} (7.5, relocated in
 * {@code flink-sql-avro-confluent-registry}). Works with Confluent Schema Registry and with Apicurio's
 * {@code /apis/ccompat/v7} API. Schemas cross the boundary as JSON strings because the client bundles its own Avro.
 * Thread-safe; ids and schemas are cached.
 */
public final class ConfluentSchemaRegistry implements SchemaRegistry {

    private static final int CACHE_CAPACITY = 1000;

    private final SchemaRegistryClient client;
    private final String description;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    private ConfluentSchemaRegistry(SchemaRegistryClient client, String description) {
        this.client = client;
        this.description = description;
    }

    /** A client for the registry at {@code settings.url()} (comma-separated URLs allowed). Connects lazily. */
    public static ConfluentSchemaRegistry connect(RegistrySettings settings) {
        List<String> urls = Arrays.stream(settings.url().split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        return new ConfluentSchemaRegistry(
                new CachedSchemaRegistryClient(urls, CACHE_CAPACITY, settings.clientProperties()),
                "schema registry at " + settings.url());
    }

    /** An in-memory registry (Confluent's mock client) for unit tests; ids start at 1. */
    public static ConfluentSchemaRegistry inMemory() {
        return new ConfluentSchemaRegistry(new MockSchemaRegistryClient(), "in-memory schema registry");
    }

    @Override
    public int register(String subject, Schema schema) {
        return call("register a schema under subject " + subject, () -> client.register(subject, parsed(schema)));
    }

    @Override
    public int lookup(String subject, Schema schema) {
        return call("look up schema " + schema.getFullName() + " under subject " + subject,
                () -> client.getId(subject, parsed(schema)));
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        ParsedSchema fetched = call("fetch schema id " + id, () -> client.getSchemaById(id));
        if (!AvroSchema.TYPE.equals(fetched.schemaType())) {
            throw new SchemaRegistryException("schema id " + id + " is a " + fetched.schemaType() + " schema, not Avro", null);
        }
        Schema schema = new Schema.Parser().parse(fetched.canonicalString());
        Schema previous = schemasById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public void setCompatibility(String subject, String level) {
        call("set compatibility of subject " + subject + " to " + level, () -> client.updateConfig(subject, new Config(level)));
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private static ParsedSchema parsed(Schema schema) {
        return new AvroSchema(schema.toString());
    }

    private interface RegistryCall<V> {
        V run() throws IOException, RestClientException;
    }

    private <V> V call(String what, RegistryCall<V> call) {
        try {
            return call.run();
        } catch (RestClientException e) {
            String message = "could not " + what + " in " + description + ": " + e.getMessage();
            int status = e.getStatus();
            if (status == 404) {
                throw new UnknownSchemaException(message, e);
            }
            if (status == 409) {
                throw new IncompatibleSchemaException(message, e);
            }
            if (status >= 500 || status == 408 || status == 429) {
                throw new RegistryUnavailableException(message, e);
            }
            throw new SchemaRegistryException(message, e);
        } catch (IOException e) {
            throw new RegistryUnavailableException("could not " + what + ": " + description + " is unreachable: " + e, e);
        }
    }
}
