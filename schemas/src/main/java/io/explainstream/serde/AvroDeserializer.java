package io.explainstream.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire-format records as {@code T}: the writer schema is fetched by the header's id (cached per id)
 * and resolved against {@code T}'s class schema, so records written with older or newer compatible schemas are read
 * as the current contract. Thread-safe. {@code null} deserializes to {@code null}.
 *
 * <p>Every decoding failure is a {@link DecodeException} with its {@link DecodeException.Kind}; registry outages
 * surface as {@link RegistryUnavailableException}.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private static final int HEADER = 5;

    private final Class<T> type;
    private final Schema readerSchema;
    private final SpecificData data;
    private final SchemaRegistry registry;
    private final Map<Integer, Reader<T>> readersById = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
    private final DecodeLimits limits;

    public AvroDeserializer(Class<T> type, SchemaRegistry registry) {
        this(type, registry, DecodeLimits.DEFAULT);
    }

    public AvroDeserializer(Class<T> type, SchemaRegistry registry, DecodeLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.type = Objects.requireNonNull(type, "type");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.data = SpecificData.getForClass(type);
        this.readerSchema = data.getSchema(type);
    }

    /** The bounds every record is checked against before it is decoded. */
    public DecodeLimits limits() {
        return limits;
    }

    /** The reader schema (the current contract). */
    public Schema schema() {
        return readerSchema;
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length < HEADER) {
            throw new DecodeException(DecodeException.Kind.NOT_WIRE_FORMAT,
                    "record is " + bytes.length + " bytes, shorter than the 5-byte Confluent header");
        }
        if (bytes.length > limits.maxRecordBytes()) {
            throw new DecodeException(DecodeException.Kind.TOO_LARGE, "record is " + bytes.length
                    + " bytes, over the limit of " + limits.maxRecordBytes());
        }
        if (bytes[0] != 0) {
            throw new DecodeException(DecodeException.Kind.NOT_WIRE_FORMAT,
                    String.format("magic byte is 0x%02x, expected 0x00", bytes[0] & 0xff));
        }
        int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
        Reader<T> reader = readersById.get(id);
        if (reader == null) {
            reader = readersById.computeIfAbsent(id, this::reader);
        }
        if (reader.incompatibility != null) {
            throw new DecodeException(DecodeException.Kind.INCOMPATIBLE_SCHEMA, reader.incompatibility);
        }
        String refused = reader.guard.check(bytes, HEADER, bytes.length - HEADER, limits);
        if (refused != null) {
            boolean tooLarge = refused.contains("over the limit");
            throw new DecodeException(tooLarge ? DecodeException.Kind.TOO_LARGE : DecodeException.Kind.MALFORMED_AVRO,
                    (tooLarge ? "record is too large" : "Avro body is malformed") + " (schema id " + id + "): "
                            + refused);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, decoders.get());
        decoders.set(decoder);
        T value;
        try {
            value = reader.datumReader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new DecodeException(DecodeException.Kind.MALFORMED_AVRO,
                        "Avro body is malformed: extra bytes after a complete " + type.getName() + " (schema id " + id + ")");
            }
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DecodeException(DecodeException.Kind.MALFORMED_AVRO,
                    "Avro body is malformed (schema id " + id + ", " + (bytes.length - HEADER) + " bytes): " + e, e);
        }
        return value;
    }

    private Reader<T> reader(int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (UnknownSchemaException e) {
            throw new DecodeException(DecodeException.Kind.UNKNOWN_SCHEMA_ID, "schema id " + id + " is not registered", e);
        }
        SchemaPairCompatibility compatibility = SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return new Reader<>(null, null, "writer schema " + writer.getFullName() + " (id " + id + ") cannot be read as "
                    + type.getName() + ": " + compatibility.getResult().getIncompatibilities(), false);
        }
        AvroBodyGuard guard;
        try {
            guard = AvroBodyGuard.of(writer);
        } catch (IllegalArgumentException e) {
            return new Reader<>(null, null, "writer schema " + writer.getFullName() + " (id " + id + ") cannot be "
                    + "read: " + e.getMessage(), false);
        }
        return new Reader<>(guard, new SpecificDatumReader<>(writer, readerSchema, data), null,
                writer.equals(readerSchema));
    }

    /**
     * Whether {@code bytes}, a record this deserializer has read, was written with the reader schema itself, so that
     * its Avro body is laid out field by field as the reader schema says (false for any other writer schema, or a
     * record not read yet).
     */
    public boolean writtenWithReaderSchema(byte[] bytes) {
        if (bytes == null || bytes.length < HEADER) {
            return false;
        }
        int id = ((bytes[1] & 0xff) << 24) | ((bytes[2] & 0xff) << 16) | ((bytes[3] & 0xff) << 8) | (bytes[4] & 0xff);
        Reader<T> reader = readersById.get(id);
        return reader != null && reader.sameAsReader;
    }

    private record Reader<T>(AvroBodyGuard guard, SpecificDatumReader<T> datumReader, String incompatibility,
                             boolean sameAsReader) {
    }
}
