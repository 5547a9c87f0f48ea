package io.explainstream.serde;

import org.apache.avro.Schema;

/**
 * The part of a Confluent-compatible schema registry the serdes need.
 *
 * <p>Implementations are thread-safe and cache what the registry answers, so repeated calls with the
 * same arguments do not go over the network. Failures are reported as:
 * <ul>
 *   <li>{@link UnknownSchemaException}: the registry answered that the schema, id or subject does not exist;</li>
 *   <li>{@link RegistryUnavailableException} (retriable): I/O error, timeout or a 5xx answer;</li>
 *   <li>{@link SchemaRegistryException}: any other refusal (incompatible schema, invalid schema, auth).</li>
 * </ul>
 */
public interface SchemaRegistry extends AutoCloseable {

    /**
     * Registers {@code schema} under {@code subject}, subject to the subject's compatibility level.
     * Idempotent: registering an already-registered schema returns its existing id.
     *
     * @return the schema id written into the Confluent wire format
     * @throws IncompatibleSchemaException if the registry refuses the schema as incompatible
     */
    int register(String subject, Schema schema);

    /**
     * Returns the id of {@code schema}, which must already be registered under {@code subject}.
     *
     * @throws UnknownSchemaException if the subject does not exist or does not hold the schema
     */
    int lookup(String subject, Schema schema);

    /**
     * Returns the schema with the given id, parsed with this project's Avro.
     *
     * @throws UnknownSchemaException if the registry has no schema with that id
     */
    Schema schemaById(int id);

    /**
     * Sets the compatibility level of {@code subject} (e.g. {@code BACKWARD}, {@code FULL_TRANSITIVE}, {@code NONE}).
     * Some registries (Apicurio) only accept this once the subject has a first version.
     */
    void setCompatibility(String subject, String level);

    /** Releases the client's resources. Does not throw checked exceptions. */
    @Override
    void close();
}
