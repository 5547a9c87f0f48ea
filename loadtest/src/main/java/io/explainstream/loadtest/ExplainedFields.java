package io.explainstream.loadtest;

import io.explainstream.serde.SchemaRegistry;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.util.Utf8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads from an explained record (Confluent wire format) only what the latency reader needs: whether L2E explained
 * it, and the intended send time the load generator put in its attributes. Avro's schema resolution against a
 * projection of {@code ExplainedEvent} skips every other field without building it, so the reader takes little of
 * the CPU it shares with what it measures. Writer schemas are fetched from the registry once per id. Not thread-safe.
 */
final class ExplainedFields {
    /** {@link #intendedMicros()} when the record carries no intended send time. */
    static final long UNKNOWN = Long.MIN_VALUE;

    private static final Schema PROJECTION = new Schema.Parser().parse("""
            {"type": "record", "name": "ExplainedEvent", "namespace": "io.explainstream.schema", "fields": [
              {"name": "explanation", "type": {"type": "record", "name": "Explanation", "fields": [
                {"name": "source", "type": {"type": "enum", "name": "ExplanationSource", "symbols": ["GROUP", "L2E"]}}
              ]}},
              {"name": "attributes", "type": {"type": "map", "values": "string"}, "default": {}}
            ]}""");
    private static final Utf8 INTENDED_AT = new Utf8(SyntheticWorkload.INTENDED_AT);

    private final SchemaRegistry registry;
    private final Map<Integer, GenericDatumReader<GenericRecord>> readers = new HashMap<>();
    private BinaryDecoder decoder;
    private GenericRecord record;
    private boolean l2e;
    private long intendedMicros;

    ExplainedFields(SchemaRegistry registry) {
        this.registry = registry;
    }

    /** Reads {@code value}; then {@link #l2e()} and {@link #intendedMicros()} describe it. */
    void read(byte[] value) {
        if (value == null || value.length < 5 || value[0] != 0) {
            throw new IllegalArgumentException("not a Confluent wire-format record");
        }
        int id = ByteBuffer.wrap(value, 1, 4).getInt();
        GenericDatumReader<GenericRecord> reader = readers.computeIfAbsent(id,
                i -> new GenericDatumReader<>(registry.schemaById(i), PROJECTION));
        decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, decoder);
        try {
            record = reader.read(record, decoder);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read an explained record with schema id " + id, e);
        }
        l2e = "L2E".equals(((GenericRecord) record.get("explanation")).get("source").toString());
        Object intended = ((Map<?, ?>) record.get("attributes")).get(INTENDED_AT);
        intendedMicros = intended == null ? UNKNOWN : Long.parseLong(intended.toString());
    }

    boolean l2e() {
        return l2e;
    }

    long intendedMicros() {
        return intendedMicros;
    }
}
