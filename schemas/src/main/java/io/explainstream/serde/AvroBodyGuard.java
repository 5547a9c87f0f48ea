package io.explainstream.serde;

import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema without allocating, and refuses length prefixes that exceed
 * the bytes actually present or the {@link DecodeLimits}, so that decoding never allocates for a size a record only
 * claims.
 */
final class AvroBodyGuard {
    private static final int MAX_DEPTH = 64;

    private final byte[] b;
    private final int end;
    private final DecodeLimits limits;
    private int pos;

    private AvroBodyGuard(byte[] b, int offset, int end, DecodeLimits limits) {
        this.b = b;
        this.pos = offset;
        this.end = end;
        this.limits = limits;
    }

    /** Returns null when the body's sizes are all within bounds, else what exceeds them. */
    static String check(Schema writer, byte[] bytes, int offset, int length, DecodeLimits limits) {
        AvroBodyGuard g = new AvroBodyGuard(bytes, offset, offset + length, limits);
        try {
            g.walk(writer, 0, writer.getName());
            return null;
        } catch (Refused e) {
            return e.getMessage();
        }
    }

    private void walk(Schema s, int depth, String path) {
        if (depth > MAX_DEPTH) {
            throw new Refused(path + " nests deeper than " + MAX_DEPTH + " levels");
        }
        switch (s.getType()) {
            case RECORD -> {
                for (Schema.Field f : s.getFields()) {
                    walk(f.schema(), depth + 1, path + "." + f.name());
                }
            }
            case UNION -> {
                long branch = varint(path);
                if (branch < 0 || branch >= s.getTypes().size()) {
                    throw new Refused(path + " has union branch " + branch);
                }
                walk(s.getTypes().get((int) branch), depth + 1, path);
            }
            case ARRAY -> blocks(s.getElementType(), null, depth, path);
            case MAP -> blocks(s.getValueType(), Schema.create(Schema.Type.STRING), depth, path);
            case STRING, BYTES -> {
                long n = varint(path);
                if (n > limits.maxStringBytes()) {
                    throw new Refused(path + " claims " + n + " bytes, over the limit of " + limits.maxStringBytes());
                }
                skip(n, path);
            }
            case FIXED -> skip(s.getFixedSize(), path);
            case INT, LONG, ENUM -> varint(path);
            case FLOAT -> skip(4, path);
            case DOUBLE -> skip(8, path);
            case BOOLEAN -> skip(1, path);
            case NULL -> {
            }
        }
    }

    private void blocks(Schema item, Schema key, int depth, String path) {
        long total = 0;
        while (true) {
            long count = varint(path);
            if (count == 0) {
                return;
            }
            if (count < 0) {
                count = -count;
                varint(path);
            }
            total += count;
            if (total > limits.maxCollectionItems()) {
                throw new Refused(path + " claims " + total + " items, over the limit of "
                        + limits.maxCollectionItems());
            }
            if (item.getType() != Schema.Type.NULL && count > end - pos) {
                throw new Refused(path + " claims " + count + " items but only " + (end - pos) + " bytes remain");
            }
            for (long i = 0; i < count; i++) {
                if (key != null) {
                    walk(key, depth + 1, path + "{key}");
                }
                walk(item, depth + 1, path + "[]");
            }
        }
    }

    private long varint(String path) {
        long value = 0;
        int shift = 0;
        while (true) {
            if (pos >= end) {
                throw new Refused(path + " is truncated");
            }
            int c = b[pos++] & 0xff;
            value |= (long) (c & 0x7f) << shift;
            if ((c & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
            shift += 7;
            if (shift > 63) {
                throw new Refused(path + " has a malformed variable-length integer");
            }
        }
    }

    private void skip(long n, String path) {
        if (n < 0 || n > end - pos) {
            throw new Refused(path + " claims " + n + " bytes but only " + (end - pos) + " remain");
        }
        pos += (int) n;
    }

    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
