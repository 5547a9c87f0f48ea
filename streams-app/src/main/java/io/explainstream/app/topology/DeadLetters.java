package io.explainstream.app.topology;

import io.explainstream.validation.InvalidReason;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * The dead-letter record format: the input record's key and value, unchanged, with its headers plus these:
 * {@value #REASON} (an {@link InvalidReason} name), {@value #MESSAGE} (what exactly was wrong),
 * {@value #STAGE}, and the source coordinates {@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION},
 * {@value #SOURCE_OFFSET}.
 */
public final class DeadLetters {
    public static final String REASON = "explainstream.error.reason";
    public static final String MESSAGE = "explainstream.error.message";
    public static final String STAGE = "explainstream.error.stage";
    public static final String SOURCE_TOPIC = "explainstream.source.topic";
    public static final String SOURCE_PARTITION = "explainstream.source.partition";
    public static final String SOURCE_OFFSET = "explainstream.source.offset";
    private static final int MAX_MESSAGE = 1000;

    private DeadLetters() {
    }

    public static Headers headers(Headers original, InvalidReason reason, String message, String stage,
                                  String topic, int partition, long offset) {
        Headers h = new RecordHeaders(original == null ? new org.apache.kafka.common.header.Header[0]
                : original.toArray());
        for (String k : new String[]{REASON, MESSAGE, STAGE, SOURCE_TOPIC, SOURCE_PARTITION, SOURCE_OFFSET}) {
            h.remove(k);
        }
        String m = message == null ? "" : message;
        if (m.length() > MAX_MESSAGE) {
            m = m.substring(0, MAX_MESSAGE) + "...";
        }
        h.add(REASON, utf8(reason.name()));
        h.add(MESSAGE, utf8(m));
        h.add(STAGE, utf8(stage));
        h.add(SOURCE_TOPIC, utf8(topic == null ? "" : topic));
        h.add(SOURCE_PARTITION, utf8(Integer.toString(partition)));
        h.add(SOURCE_OFFSET, utf8(Long.toString(offset)));
        return h;
    }

    public static String header(Headers headers, String key) {
        var h = headers.lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
