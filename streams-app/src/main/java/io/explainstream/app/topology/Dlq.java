package io.explainstream.app.topology;

import io.explainstream.validation.Violation;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends a refused record, with its raw value and reason headers, to the DLQ sink node, and counts it. */
record Dlq(String sinkName, String stage) {
    private static final Logger LOG = LoggerFactory.getLogger(Dlq.class);

    void send(ProcessorContext<byte[], Object> context, Record<byte[], ?> record, byte[] rawValue, Violation v) {
        var meta = context.recordMetadata();
        String topic = meta.map(m -> m.topic()).orElse("");
        int partition = meta.map(m -> m.partition()).orElse(-1);
        long offset = meta.map(m -> m.offset()).orElse(-1L);
        var headers = DeadLetters.headers(record.headers(), v.reason(), v.message(), stage, topic, partition, offset);
        context.forward(new Record<byte[], Object>(record.key(), rawValue, record.timestamp(), headers), sinkName);
        Metrics.counter("explainstream.dlq.records", "reason", v.reason().name()).increment();
        if (LOG.isDebugEnabled()) {
            LOG.debug("DLQ {}-{}@{}: {} {}", topic, partition, offset, v.reason(), v.message());
        }
    }

    void send(ProcessorContext<byte[], Object> context, Record<byte[], byte[]> record, Violation v) {
        send(context, record, record.value(), v);
    }
}
