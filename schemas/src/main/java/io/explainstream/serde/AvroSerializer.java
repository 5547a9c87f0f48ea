package io.explainstream.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@code T} in the Confluent wire format: magic byte 0, the writer schema's 4-byte big-endian id, Avro binary.
 * The writer schema is {@code T}'s class schema, registered (or, with auto-registration off, looked up) under the
 * TopicNameStrategy subject {@code <topic>-value} ({@code <topic>-key} for keys); ids are cached per subject.
 * Records are encoded by the generated classes' custom coders (the same bytes as Avro's generic writer, without its
 * per-field reflection). Thread-safe. {@code null} serializes to {@code null}.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final Class<T> type;
    private final Schema schema;
    private final SchemaRegistry registry;
    private final boolean autoRegister;
    private final SpecificDatumWriter<T> writer;
    private final Map<String, Integer> idsBySubject = new ConcurrentHashMap<>();
    private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);
    private volatile boolean isKey;

    public AvroSerializer(Class<T> type, SchemaRegistry registry, boolean autoRegister, boolean isKey) {
        this.type = Objects.requireNonNull(type, "type");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.autoRegister = autoRegister;
        this.isKey = isKey;
        SpecificData data = new SpecificData(type.getClassLoader());
        data.setCustomCoders(true);
        this.schema = data.getSchema(type);
        this.writer = new SpecificDatumWriter<>(schema, data);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
    }

    /** The writer schema this serializer registers. */
    public Schema schema() {
        return schema;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        Buffer buffer = buffers.get();
        int id = schemaId(topic, buffer);
        ByteArrayOutputStream out = buffer.out;
        out.reset();
        out.write(0);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            buffer.encoder = EncoderFactory.get().binaryEncoder(out, buffer.encoder);
            writer.write(data, buffer.encoder);
            buffer.encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot write " + type.getName() + " to topic " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /**
     * The id this serializer writes into records for {@code topic}: its schema registered (or looked up) under the
     * topic's subject, as for {@link #serialize}.
     *
     * @throws SerializationException as {@link #serialize} does when the registry refuses or lacks the schema
     */
    public int schemaId(String topic) {
        return schemaId(topic, buffers.get());
    }

    private int schemaId(String topic, Buffer buffer) {
        boolean key = isKey;
        if (topic == buffer.topic && key == buffer.key) {
            return buffer.id;
        }
        int id = idsBySubject.computeIfAbsent(AvroSerde.subject(topic, key), this::subjectId);
        buffer.topic = topic;
        buffer.key = key;
        buffer.id = id;
        return id;
    }

    private int subjectId(String subject) {
        if (autoRegister) {
            try {
                return registry.register(subject, schema);
            } catch (IncompatibleSchemaException e) {
                throw new SerializationException("the registry refused schema " + type.getName() + " under subject "
                        + subject + " as incompatible: " + e.getMessage(), e);
            }
        }
        try {
            return registry.lookup(subject, schema);
        } catch (UnknownSchemaException e) {
            throw new SerializationException("schema " + type.getName() + " is not registered under subject " + subject
                    + " and auto-registration is off; register it first", e);
        }
    }

    private static final class Buffer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
        /** The last topic (by identity) this thread wrote to, and its schema id: no subject string per record. */
        String topic;
        boolean key;
        int id;
    }
}
