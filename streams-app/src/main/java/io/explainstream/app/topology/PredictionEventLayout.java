package io.explainstream.app.topology;

import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroDeserializer;

/**
 * Where the fields an explained record copies unchanged lie in a {@code PredictionEvent} record written with the
 * current schema (Confluent wire format): {@code [5, idsEnd)} holds eventId, modelId, modelVersion and eventTime,
 * {@code [predictionStart, predictionEnd)} the prediction, and {@code [predictionEnd, length)} the attributes — the
 * same Avro encoding those fields have in the explained record, so they can be copied byte for byte. Reusable; not
 * thread-safe.
 */
final class PredictionEventLayout {
    private static final int HEADER = 5;
    private byte[] b;
    private int pos;
    int idsEnd;
    int predictionStart;
    int predictionEnd;
    private int readerSchemaId = -1;

    /**
     * This layout, found in {@code raw} (a record {@code events} has read), when {@code raw} was written with the
     * reader schema itself; null otherwise. The last schema id found to be the reader schema is remembered, so the
     * deserializer is asked once per writer schema, not per record.
     */
    PredictionEventLayout of(AvroDeserializer<PredictionEvent> events, byte[] raw) {
        int id = ((raw[1] & 0xff) << 24) | ((raw[2] & 0xff) << 16) | ((raw[3] & 0xff) << 8) | (raw[4] & 0xff);
        if (id != readerSchemaId) {
            if (!events.writtenWithReaderSchema(raw)) {
                return null;
            }
            readerSchemaId = id;
        }
        return parse(raw) ? this : null;
    }

    /** Finds the ranges in {@code bytes}; false when the record does not have the expected layout. */
    boolean parse(byte[] bytes) {
        b = bytes;
        pos = HEADER;
        try {
            skipBytes();
            skipBytes();
            skipBytes();
            readLong();
            idsEnd = pos;
            long branch = readLong();
            if (branch == 1) {
                readLong();
                skipVarintArray();
            } else if (branch != 0) {
                return false;
            }
            skipFixedArray(4);
            predictionStart = pos;
            pos += 8;
            if (readUnionBranch()) {
                skipBytes();
            }
            if (readUnionBranch()) {
                skipFixedArray(8);
            }
            predictionEnd = pos;
            return pos <= bytes.length;
        } catch (IndexOutOfBoundsException | IllegalStateException | ArithmeticException e) {
            return false;
        } finally {
            b = null;
        }
    }

    private boolean readUnionBranch() {
        long branch = readLong();
        if (branch != 0 && branch != 1) {
            throw new IllegalStateException("union branch " + branch);
        }
        return branch == 1;
    }

    private void skipBytes() {
        long n = readLong();
        if (n < 0 || pos + n > b.length) {
            throw new IllegalStateException("length " + n);
        }
        pos += (int) n;
    }

    private void skipFixedArray(int itemBytes) {
        for (long count = readLong(); count != 0; count = readLong()) {
            if (count < 0) {
                readLong();
                count = -count;
            }
            pos = Math.toIntExact(pos + count * itemBytes);
        }
    }

    private void skipVarintArray() {
        for (long count = readLong(); count != 0; count = readLong()) {
            if (count < 0) {
                pos = Math.toIntExact(pos + readLong());
                continue;
            }
            for (long i = 0; i < count; i++) {
                readLong();
            }
        }
    }

    private long readLong() {
        long raw = 0;
        int shift = 0;
        int x;
        do {
            if (shift > 63) {
                throw new IllegalStateException("varint too long");
            }
            x = b[pos++];
            raw |= (long) (x & 0x7f) << shift;
            shift += 7;
        } while ((x & 0x80) != 0);
        return (raw >>> 1) ^ -(raw & 1);
    }
}
