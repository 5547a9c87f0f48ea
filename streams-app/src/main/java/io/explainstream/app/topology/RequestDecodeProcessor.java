package io.explainstream.app.topology;

import io.explainstream.schema.ExplanationRequest;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Record;

/** The L2E stage's entry when it runs apart: decodes requests from the l2e-requests topic; bad ones go to the DLQ. */
final class RequestDecodeProcessor extends DecodingProcessor<ExplanationRequest> {
    private final String next;

    RequestDecodeProcessor(Deserializer<ExplanationRequest> deserializer, String next, Dlq dlq) {
        super(deserializer, dlq);
        this.next = next;
    }

    @Override
    void decoded(Record<byte[], byte[]> record, ExplanationRequest r) {
        context.forward(record.withValue(UncertainEvent.request(record.value(), r.getEvent(), r.getDraft())), next);
    }
}
