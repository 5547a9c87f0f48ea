package io.explainstream.app.topology;

import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroDeserializer;
import io.explainstream.serde.DecodeLimits;

/**
 * Reads what the GIME stage needs from a {@code PredictionEvent} record written with the current schema (Confluent
 * wire format) straight from its bytes, without building the event: the lengths of eventId and modelId, eventTime,
 * the prediction's score, the feature vector into reusable primitive buffers, and the {@link PredictionEventLayout}
 * the output copies. {@link #read} accepts a record only when the whole body is well formed and within the
 * deserializer's {@link DecodeLimits}, so every record it accepts decodes with the deserializer to the same values;
 * for any other record (another writer schema, a vector longer than {@code maxValues}, anything malformed or too
 * large) it returns false and the caller decodes the record, which says what is wrong. Reusable; not thread-safe.
 */
final class RawPredictionEvent {
    private static final int HEADER = 5;

    final PredictionEventLayout layout = new PredictionEventLayout();
    private final int maxValues;
    private byte[] b;
    private int pos;
    private int maxItems;
    private int maxString;
    private int readerSchemaId = -1;
    int eventIdLength;
    int modelIdStart;
    int modelIdLength;
    long eventTime;
    double score;
    boolean sparse;
    int size;
    int indexCount;
    int valueCount;
    final int[] indices;
    final float[] values;

    /** A reader of vectors of at most {@code maxValues} values (the model's dimension). */
    RawPredictionEvent(int maxValues) {
        this.maxValues = maxValues;
        this.indices = new int[maxValues];
        this.values = new float[maxValues];
    }

    /** Whether the modelId read last is, byte for byte, {@code utf8}. */
    boolean modelIdIs(byte[] utf8, byte[] raw) {
        if (modelIdLength != utf8.length) {
            return false;
        }
        for (int i = 0; i < utf8.length; i++) {
            if (raw[modelIdStart + i] != utf8[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads {@code raw}, a record with a value; true when this reader holds its fields, false when the caller must
     * decode it with {@code events} instead.
     */
    boolean read(AvroDeserializer<PredictionEvent> events, byte[] raw) {
        if (raw.length < HEADER || raw[0] != 0 || raw.length > events.limits().maxRecordBytes()
                || !writtenWithReaderSchema(events, raw)) {
            return false;
        }
        b = raw;
        pos = HEADER;
        maxItems = events.limits().maxCollectionItems();
        maxString = events.limits().maxStringBytes();
        try {
            return body();
        } catch (Malformed e) {
            return false;
        } finally {
            b = null;
        }
    }

    private boolean writtenWithReaderSchema(AvroDeserializer<PredictionEvent> events, byte[] raw) {
        int id = ((raw[1] & 0xff) << 24) | ((raw[2] & 0xff) << 16) | ((raw[3] & 0xff) << 8) | (raw[4] & 0xff);
        if (id == readerSchemaId) {
            return true;
        }
        if (!events.writtenWithReaderSchema(raw)) {
            return false;
        }
        readerSchemaId = id;
        return true;
    }

    private boolean body() {
        eventIdLength = string();
        modelIdLength = string();
        modelIdStart = pos - modelIdLength;
        string();
        eventTime = longValue();
        layout.idsEnd = pos;
        int branch = branch(2);
        sparse = branch == 1;
        indexCount = 0;
        if (sparse) {
            size = intValue();
            indexCount = ints();
            if (indexCount < 0) {
                return false;
            }
        }
        valueCount = floats();
        if (valueCount < 0) {
            return false;
        }
        layout.predictionStart = pos;
        score = Double.longBitsToDouble(fixed64());
        if (branch(2) == 1) {
            string();
        }
        if (branch(2) == 1) {
            skipDoubles();
        }
        layout.predictionEnd = pos;
        long total = 0;
        for (long count = blockCount(); count != 0; count = blockCount()) {
            total += count;
            if (total > maxItems) {
                return false;
            }
            for (long i = 0; i < count; i++) {
                string();
                string();
            }
        }
        return pos == b.length;
    }

    /** The vector's values into {@link #values}: their count, or -1 when there are more than it holds. */
    private int floats() {
        int n = 0;
        for (long count = blockCount(); count != 0; count = blockCount()) {
            if (count > maxValues - n || count > maxItems - n) {
                return -1;
            }
            need(count * 4);
            for (int i = 0; i < count; i++) {
                values[n++] = Float.intBitsToFloat(fixed32());
            }
        }
        return n;
    }

    /** The sparse vector's indices into {@link #indices}: their count, or -1 when there are more than it holds. */
    private int ints() {
        int n = 0;
        for (long count = blockCount(); count != 0; count = blockCount()) {
            if (count > maxValues - n || count > maxItems - n) {
                return -1;
            }
            for (int i = 0; i < count; i++) {
                indices[n++] = intValue();
            }
        }
        return n;
    }

    private void skipDoubles() {
        long total = 0;
        for (long count = blockCount(); count != 0; count = blockCount()) {
            total += count;
            if (total > maxItems) {
                throw Malformed.INSTANCE;
            }
            need(count * 8);
            pos += (int) (count * 8);
        }
    }

    /** A block's item count (the byte size after a negative count is read and ignored, as Avro does). */
    private long blockCount() {
        long count = longValue();
        if (count < 0) {
            if (count < -maxItems) {
                throw Malformed.INSTANCE;
            }
            longValue();
            return -count;
        }
        if (count > maxItems) {
            throw Malformed.INSTANCE;
        }
        return count;
    }

    private int string() {
        int n = intValue();
        if (n < 0 || n > maxString) {
            throw Malformed.INSTANCE;
        }
        need(n);
        pos += n;
        return n;
    }

    private int branch(int branches) {
        int branch = intValue();
        if (branch < 0 || branch >= branches) {
            throw Malformed.INSTANCE;
        }
        return branch;
    }

    private void need(long bytes) {
        if (bytes > b.length - pos) {
            throw Malformed.INSTANCE;
        }
    }

    private int fixed32() {
        int p = pos;
        pos += 4;
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }

    private long fixed64() {
        need(8);
        long lo = fixed32() & 0xffffffffL;
        long hi = fixed32() & 0xffffffffL;
        return lo | hi << 32;
    }

    /** An Avro int: at most 5 bytes whose value fits in 32 bits, as Avro reads it. */
    private int intValue() {
        long raw = varint(5);
        if (raw >>> 32 != 0) {
            throw Malformed.INSTANCE;
        }
        int n = (int) raw;
        return (n >>> 1) ^ -(n & 1);
    }

    /** An Avro long: at most 10 bytes whose value fits in 64 bits. */
    private long longValue() {
        long raw = varint(10);
        return (raw >>> 1) ^ -(raw & 1);
    }

    private long varint(int maxBytes) {
        long raw = 0;
        for (int i = 0; i < maxBytes; i++) {
            if (pos >= b.length) {
                throw Malformed.INSTANCE;
            }
            int x = b[pos++];
            if (i == 9 && (x & 0xfe) != 0) {
                throw Malformed.INSTANCE;
            }
            raw |= (long) (x & 0x7f) << (7 * i);
            if ((x & 0x80) == 0) {
                return raw;
            }
        }
        throw Malformed.INSTANCE;
    }

    private static final class Malformed extends RuntimeException {
        static final Malformed INSTANCE = new Malformed();

        private Malformed() {
            super("malformed", null, false, false);
        }
    }
}
