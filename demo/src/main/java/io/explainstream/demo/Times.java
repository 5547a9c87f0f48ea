package io.explainstream.demo;

import io.explainstream.schema.PredictionEvent;
import org.apache.avro.specific.SpecificRecordBase;

import java.time.Instant;

/**
 * Event times, whichever way the contract declares them (a plain {@code long} of epoch milliseconds, or a
 * {@code timestamp-millis} logical type that the generated classes expose as {@link Instant}).
 */
final class Times {
    private static final boolean LOGICAL = PredictionEvent.getClassSchema().getField("eventTime").schema()
            .getLogicalType() != null;

    private Times() {
    }

    /** Sets {@code eventTime} of a generated record to {@code millis}. */
    static void setEventTime(SpecificRecordBase record, long millis) {
        record.put("eventTime", LOGICAL ? Instant.ofEpochMilli(millis) : (Object) millis);
    }

    /** The {@code eventTime} of a generated record, in epoch milliseconds. */
    static long eventTime(SpecificRecordBase record) {
        Object v = record.get("eventTime");
        return v instanceof Instant i ? i.toEpochMilli() : ((Number) v).longValue();
    }
}
