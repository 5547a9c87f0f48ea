package io.explainstream.loadtest;

import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EventTemplatesTest {
    private final AvroSerde<PredictionEvent> serde =
            new AvroSerde<>(PredictionEvent.class, ConfluentSchemaRegistry.inMemory(), true);

    @Test
    void shouldWriteWhatTheSerializerWritesForDenseEvents() {
        assertSameBytesAsTheSerializer(() -> SyntheticWorkload.dense(11, 10, 0.1, 3));
    }

    @Test
    void shouldWriteWhatTheSerializerWritesForSparseEvents() {
        assertSameBytesAsTheSerializer(() -> SyntheticWorkload.sparse(20_000, 20, 4, 0.1, 3));
    }

    @Test
    void shouldRefuseAnEmptySetOfTemplates() {
        assertThrows(IllegalArgumentException.class,
                () -> new EventTemplates(SyntheticWorkload.dense(3, 2, 0, 1), serde.serializer(), "in", 0));
    }

    private void assertSameBytesAsTheSerializer(Supplier<SyntheticWorkload> workload) {
        int size = 7;
        EventTemplates templates = new EventTemplates(workload.get(), serde.serializer(), "in", size);
        SyntheticWorkload reference = workload.get();
        List<PredictionEvent> expected = new ArrayList<>();
        for (int j = 0; j < size; j++) {
            expected.add(reference.next(j, 0));
        }
        long[] ids = {0, 1, 6, 7, 13, 127, 128, 123_456_789_012L};
        long[] intended = {0, 1, 63, 64, 1_700_000_000_123_456L, Long.MAX_VALUE / 2};
        for (long i : ids) {
            for (long at : intended) {
                PredictionEvent e = PredictionEvent.newBuilder(expected.get((int) (i % size)))
                        .setEventId("lt-" + i)
                        .setEventTime(at / 1000)
                        .setAttributes(Map.of(SyntheticWorkload.INTENDED_AT, Long.toString(at)))
                        .build();
                byte[] bytes = templates.encode(i, at);
                assertArrayEquals(serde.serializer().serialize("in", e), bytes, "event " + i + " at " + at);
                assertEquals(e, serde.deserializer().deserialize("in", bytes));
            }
        }
    }
}
