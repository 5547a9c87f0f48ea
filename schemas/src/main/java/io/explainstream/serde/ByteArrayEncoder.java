package io.explainstream.serde;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.io.BinaryData;
import org.apache.avro.io.BinaryEncoder;

/**
 * An Avro binary encoder writing straight into a reusable, growing byte array: the same bytes as Avro's own binary
 * encoders, without an output stream, a second buffer or, for ASCII strings, a UTF-8 copy. {@link #reset} starts a new
 * record; {@link #toByteArray} copies it out. Not thread-safe.
 */
public final class ByteArrayEncoder extends BinaryEncoder {
    private byte[] buf;
    private int pos;

    public ByteArrayEncoder(int initialCapacity) {
        this.buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Forgets what was written. */
    public void reset() {
        pos = 0;
    }

    /** The Confluent wire-format header: magic byte 0 and the schema id, big-endian. */
    public void writeWireHeader(int schemaId) {
        ensure(5);
        buf[pos] = 0;
        buf[pos + 1] = (byte) (schemaId >>> 24);
        buf[pos + 2] = (byte) (schemaId >>> 16);
        buf[pos + 3] = (byte) (schemaId >>> 8);
        buf[pos + 4] = (byte) schemaId;
        pos += 5;
    }

    /** A string already encoded as UTF-8: its length, then its bytes. */
    public void writeUtf8(byte[] utf8) {
        writeInt(utf8.length);
        writeFixed(utf8, 0, utf8.length);
    }

    /** The bytes written since the last {@link #reset}, as a new array. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    @Override
    public void writeString(String s) {
        int n = s.length();
        ensure(5 + n);
        int start = pos + BinaryData.encodeInt(n, buf, pos);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                writeUtf8(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
            buf[start + i] = (byte) c;
        }
        pos = start + n;
    }

    @Override
    public void writeNull() {
    }

    @Override
    public void writeEnum(int e) {
        writeInt(e);
    }

    @Override
    public void writeIndex(int unionIndex) {
        writeInt(unionIndex);
    }

    @Override
    public void writeArrayStart() {
    }

    @Override
    public void writeMapStart() {
    }

    @Override
    public void setItemCount(long itemCount) {
        if (itemCount > 0) {
            writeLong(itemCount);
        }
    }

    @Override
    public void startItem() {
    }

    @Override
    public void writeArrayEnd() {
        writeZero();
    }

    @Override
    public void writeMapEnd() {
        writeZero();
    }

    @Override
    public void writeBoolean(boolean b) {
        ensure(1);
        buf[pos++] = (byte) (b ? 1 : 0);
    }

    @Override
    public void writeInt(int n) {
        ensure(5);
        pos += BinaryData.encodeInt(n, buf, pos);
    }

    @Override
    public void writeLong(long n) {
        ensure(10);
        pos += BinaryData.encodeLong(n, buf, pos);
    }

    @Override
    public void writeFloat(float f) {
        ensure(4);
        pos += BinaryData.encodeFloat(f, buf, pos);
    }

    @Override
    public void writeDouble(double d) {
        ensure(8);
        pos += BinaryData.encodeDouble(d, buf, pos);
    }

    @Override
    public void writeFixed(byte[] bytes, int start, int len) {
        ensure(len);
        System.arraycopy(bytes, start, buf, pos, len);
        pos += len;
    }

    @Override
    protected void writeZero() {
        ensure(1);
        buf[pos++] = 0;
    }

    @Override
    public int bytesBuffered() {
        return 0;
    }

    @Override
    public void flush() {
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
