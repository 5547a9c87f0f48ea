package io.explainstream.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * Confluent wire-format Avro serde for a generated SpecificRecord type: {@link AvroSerializer} +
 * {@link AvroDeserializer} on a shared {@link SchemaRegistry}. Subjects follow TopicNameStrategy
 * ({@link #subject(String, boolean)}). Thread-safe; one instance may be shared by all stream threads.
 * {@link #close()} does not close the registry, which belongs to the caller.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;

    /** A value serde. */
    public AvroSerde(Class<T> type, SchemaRegistry registry, boolean autoRegister) {
        this(type, registry, autoRegister, false);
    }

    public AvroSerde(Class<T> type, SchemaRegistry registry, boolean autoRegister, boolean isKey) {
        this(type, registry, autoRegister, isKey, DecodeLimits.DEFAULT);
    }

    /** A serde whose deserializer refuses records beyond {@code limits} before allocating for them. */
    public AvroSerde(Class<T> type, SchemaRegistry registry, boolean autoRegister, boolean isKey,
                     DecodeLimits limits) {
        this.serializer = new AvroSerializer<>(type, registry, autoRegister, isKey);
        this.deserializer = new AvroDeserializer<>(type, registry, limits);
    }

    /** TopicNameStrategy: {@code <topic>-key} or {@code <topic>-value}. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public AvroSerializer<T> serializer() {
        return serializer;
    }

    @Override
    public AvroDeserializer<T> deserializer() {
        return deserializer;
    }
}
