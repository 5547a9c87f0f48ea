package io.explainstream.loadtest;

import io.explainstream.schema.PredictionEvent;
import io.explainstream.serde.AvroSerde;
import io.explainstream.serde.ConfluentSchemaRegistry;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdentityTopologyTest {
    private final AvroSerde<PredictionEvent> serde =
            new AvroSerde<>(PredictionEvent.class, ConfluentSchemaRegistry.inMemory(), true);
    private final PredictionEvent event = SyntheticWorkload.dense(11, 4, 0.1, 7).next(3, 42);

    @Test
    void shouldPassEachEventThroughDecodedAndEncodedAgain() {
        try (TopologyTestDriver driver = new TopologyTestDriver(IdentityTopology.build("in", "out", serde))) {
            TestOutputTopic<byte[], byte[]> out = pipe(driver);
            byte[] value = out.readValue();
            assertEquals(event, serde.deserializer().deserialize("out", value));
            assertArrayEquals(serde.serializer().serialize("out", event), value);
            assertTrue(out.isEmpty());
        }
    }

    @Test
    void shouldPadEachSizeMatchedRecordWithZerosAfterTheEncodedEvent() {
        try (TopologyTestDriver driver = new TopologyTestDriver(IdentityTopology.build("in", "out", serde, 150))) {
            TestOutputTopic<byte[], byte[]> out = pipe(driver);
            byte[] value = out.readValue();
            byte[] encoded = serde.serializer().serialize("out", event);
            assertEquals(encoded.length + 150, value.length);
            assertArrayEquals(encoded, Arrays.copyOf(value, encoded.length));
            for (int i = encoded.length; i < value.length; i++) {
                assertEquals(0, value[i], "byte " + i);
            }
            assertTrue(out.isEmpty());
        }
    }

    @Test
    void shouldRefuseANegativePadding() {
        assertThrows(IllegalArgumentException.class, () -> IdentityTopology.build("in", "out", serde, -1));
    }

    private TestOutputTopic<byte[], byte[]> pipe(TopologyTestDriver driver) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(),
                new ByteArraySerializer());
        in.pipeInput("k".getBytes(), serde.serializer().serialize("in", event));
        return driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
