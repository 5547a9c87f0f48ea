package io.explainstream.app.topology;

import io.explainstream.schema.ExplanationRequest;
import io.explainstream.schema.PendingSource;
import io.explainstream.serde.DecodeException;
import io.explainstream.validation.InvalidReason;
import io.explainstream.validation.Violation;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** The L2E stage's entry when it runs apart: decodes requests from the l2e-requests topic; bad ones go to the DLQ. */
final class RequestDecodeProcessor implements Processor<byte[], byte[], byte[], Object> {
    private final Deserializer<ExplanationRequest> deserializer;
    private final String next;
    private final Dlq dlq;
    private ProcessorContext<byte[], Object> context;

    RequestDecodeProcessor(Deserializer<ExplanationRequest> deserializer, String next, Dlq dlq) {
        this.deserializer = deserializer;
        this.next = next;
        this.dlq = dlq;
    }

    @Override
    public void init(ProcessorContext<byte[], Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            dlq.send(context, record, new Violation(InvalidReason.NULL_VALUE, "record has no value"));
            return;
        }
        String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
        try {
            ExplanationRequest r = deserializer.deserialize(topic, record.headers(), record.value());
            context.forward(record.withValue(new UncertainEvent(PendingSource.EXPLANATION_REQUEST, record.value(),
                    r.getEvent(), r.getDraft())), next);
        } catch (DecodeException e) {
            dlq.send(context, record, new Violation(DecodeProcessor.reasonOf(e.kind()), e.getMessage()));
        }
    }
}
