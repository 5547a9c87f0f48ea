package io.explainstream.serde;

import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks an Avro binary body against its writer schema without allocating, and refuses length prefixes that exceed
 * the bytes actually present or the {@link DecodeLimits}, so that decoding never allocates for a size a record only
 * claims. A guard is compiled once per writer schema; checking is allocation-free until a record is refused.
 */
final class AvroBodyGuard {
    private static final int MAX_DEPTH = 64;

    private final Node root;

    private AvroBodyGuard(Schema writer) {
        this.root = compile(writer, writer.getName(), 0);
    }

    static AvroBodyGuard of(Schema writer) {
        return new AvroBodyGuard(writer);
    }

    /** Returns null when the body's sizes are all within bounds, else what exceeds them. */
    String check(byte[] bytes, int offset, int length, DecodeLimits limits) {
        Cursor c = new Cursor(bytes, offset, offset + length, limits);
        try {
            c.walk(root);
            return null;
        } catch (Refused e) {
            return e.getMessage();
        }
    }

    private enum Kind { RECORD, UNION, ARRAY, MAP, STRING, VARINT, FIXED_SIZE, NONE }

    /** A schema node with its path and, for fixed-size values, its size in bytes. */
    private record Node(Kind kind, String path, int size, Node[] children) {
    }

    private static Node compile(Schema s, String path, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException(path + " nests deeper than " + MAX_DEPTH + " levels");
        }
        return switch (s.getType()) {
            case RECORD -> {
                List<Node> fields = new ArrayList<>();
                for (Schema.Field f : s.getFields()) {
                    fields.add(compile(f.schema(), path + "." + f.name(), depth + 1));
                }
                yield new Node(Kind.RECORD, path, 0, fields.toArray(Node[]::new));
            }
            case UNION -> new Node(Kind.UNION, path, 0, s.getTypes().stream()
                    .map(t -> compile(t, path, depth + 1)).toArray(Node[]::new));
            case ARRAY -> new Node(Kind.ARRAY, path, 0, new Node[]{compile(s.getElementType(), path + "[]", depth + 1)});
            case MAP -> new Node(Kind.MAP, path, 0, new Node[]{new Node(Kind.STRING, path + "{key}", 0, null),
                    compile(s.getValueType(), path + "{}", depth + 1)});
            case STRING, BYTES -> new Node(Kind.STRING, path, 0, null);
            case INT, LONG, ENUM -> new Node(Kind.VARINT, path, 0, null);
            case FLOAT -> new Node(Kind.FIXED_SIZE, path, 4, null);
            case DOUBLE -> new Node(Kind.FIXED_SIZE, path, 8, null);
            case BOOLEAN -> new Node(Kind.FIXED_SIZE, path, 1, null);
            case FIXED -> new Node(Kind.FIXED_SIZE, path, s.getFixedSize(), null);
            case NULL -> new Node(Kind.NONE, path, 0, null);
        };
    }

    private static final class Cursor {
        private final byte[] b;
        private final int end;
        private final DecodeLimits limits;
        private int pos;

        Cursor(byte[] b, int pos, int end, DecodeLimits limits) {
            this.b = b;
            this.pos = pos;
            this.end = end;
            this.limits = limits;
        }

        void walk(Node n) {
            switch (n.kind) {
                case RECORD -> {
                    for (Node f : n.children) {
                        walk(f);
                    }
                }
                case UNION -> {
                    long branch = varint(n);
                    if (branch < 0 || branch >= n.children.length) {
                        throw new Refused(n.path + " has union branch " + branch);
                    }
                    walk(n.children[(int) branch]);
                }
                case ARRAY -> blocks(n, null, n.children[0]);
                case MAP -> blocks(n, n.children[0], n.children[1]);
                case STRING -> {
                    long len = varint(n);
                    if (len > limits.maxStringBytes()) {
                        throw new Refused(n.path + " claims " + len + " bytes, over the limit of "
                                + limits.maxStringBytes());
                    }
                    skip(len, n);
                }
                case VARINT -> varint(n);
                case FIXED_SIZE -> skip(n.size, n);
                case NONE -> {
                }
            }
        }

        private void blocks(Node n, Node key, Node item) {
            long total = 0;
            while (true) {
                long count = varint(n);
                if (count == 0) {
                    return;
                }
                if (count < 0) {
                    count = -count;
                    varint(n);
                }
                total += count;
                if (total > limits.maxCollectionItems()) {
                    throw new Refused(n.path + " claims " + total + " items, over the limit of "
                            + limits.maxCollectionItems());
                }
                if (item.kind != Kind.NONE && count > end - pos) {
                    throw new Refused(n.path + " claims " + count + " items but only " + (end - pos)
                            + " bytes remain");
                }
                if (key == null && item.kind == Kind.FIXED_SIZE) {
                    skip(count * item.size, n);
                    continue;
                }
                for (long i = 0; i < count; i++) {
                    if (key != null) {
                        walk(key);
                    }
                    walk(item);
                }
            }
        }

        private long varint(Node n) {
            long value = 0;
            int shift = 0;
            while (true) {
                if (pos >= end) {
                    throw new Refused(n.path + " is truncated");
                }
                int c = b[pos++] & 0xff;
                value |= (long) (c & 0x7f) << shift;
                if ((c & 0x80) == 0) {
                    return (value >>> 1) ^ -(value & 1);
                }
                shift += 7;
                if (shift > 63) {
                    throw new Refused(n.path + " has a malformed variable-length integer");
                }
            }
        }

        private void skip(long count, Node n) {
            if (count < 0 || count > end - pos) {
                throw new Refused(n.path + " claims " + count + " bytes but only " + (end - pos) + " remain");
            }
            pos += (int) count;
        }
    }

    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
