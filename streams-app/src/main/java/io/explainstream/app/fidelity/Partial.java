package io.explainstream.app.fidelity;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A message on the fidelity-partials topic, from one task to the merging task: either one group's sums over one
 * window the task has closed, or a heartbeat with the task's stream time (windows ending, with grace, before every
 * live task's stream time are complete). A task sends a window's sums before the heartbeat that closes it.
 */
record Partial(String task, long streamTime, int group, long windowStart, Sums sums) {
    private static final byte WINDOW = 0;
    private static final byte HEARTBEAT = 1;

    static Partial heartbeat(String task, long streamTime) {
        return new Partial(task, streamTime, -1, 0, null);
    }

    boolean isHeartbeat() {
        return sums == null;
    }

    byte[] encode() {
        byte[] t = task.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(1 + 4 + t.length + 8 + 4 + 8 + (sums == null ? 0 : Sums.BYTES));
        b.put(sums == null ? HEARTBEAT : WINDOW).putInt(t.length).put(t).putLong(streamTime).putInt(group)
                .putLong(windowStart);
        if (sums != null) {
            sums.write(b);
        }
        return b.array();
    }

    static Partial decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        byte type = b.get();
        byte[] t = new byte[b.getInt()];
        b.get(t);
        long streamTime = b.getLong();
        int group = b.getInt();
        long start = b.getLong();
        Sums sums = type == WINDOW ? Sums.read(b) : null;
        return new Partial(new String(t, StandardCharsets.UTF_8), streamTime, group, start, sums);
    }
}
