package io.explainstream.app.topology;

import io.explainstream.app.config.ConfigKeys;
import io.explainstream.validation.InvalidReason;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Any unexpected exception while processing a record sends that record's raw bytes to the DLQ (reason
 * PROCESSING_FAILED, with the exception) and processing goes on. Retriable failures (e.g. the schema registry is
 * unreachable) fail the task instead, so the record is retried rather than dead-lettered.
 */
public final class DlqProcessingExceptionHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DlqProcessingExceptionHandler.class);
    private String dlqTopic = ConfigKeys.TOPIC_DLQ.defaultValue();

    @Override
    public void configure(Map<String, ?> configs) {
        Object t = configs.get(ConfigKeys.TOPIC_DLQ.name());
        if (t != null) {
            dlqTopic = t.toString();
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof RetriableException || exception.getCause() instanceof RetriableException) {
            LOG.warn("retriable failure in {} at {}-{}@{}, the task will retry: {}", context.processorNodeId(),
                    context.topic(), context.partition(), context.offset(), exception.toString());
            return Response.fail();
        }
        LOG.error("processing failed in {} at {}-{}@{}; record sent to the DLQ", context.processorNodeId(),
                context.topic(), context.partition(), context.offset(), exception);
        var headers = DeadLetters.headers(context.headers(), InvalidReason.PROCESSING_FAILED,
                exception.getClass().getName() + ": " + exception.getMessage(), context.processorNodeId(),
                context.topic(), context.partition(), context.offset());
        return Response.resume(List.of(new ProducerRecord<>(dlqTopic, null, context.timestamp(),
                context.sourceRawKey(), context.sourceRawValue(), headers)));
    }
}
