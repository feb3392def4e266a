package io.glasswatch.streams.errors;

import io.glasswatch.streams.input.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rule: an {@link InvalidInputException} (a well-formed record whose content cannot be correlated)
 * sends the raw source record to the dead-letter topic and processing continues; any other exception
 * is a defect, is logged and fails the task so that it is seen rather than silently skipping a
 * violation. Configured as {@code processing.exception.handler}.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = DeadLetterRecords.topic(configs);
  }

  /** Resumes with a dead-letter record for invalid input; fails for anything else. */
  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (exception instanceof InvalidInputException) {
      LOG.warn("dead-lettering invalid record topic={} partition={} offset={} processor={}: {}",
          context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception.getMessage());
      return Response.resume(List.of(DeadLetterRecords.build(topic, context, exception.getMessage(), exception)));
    }
    LOG.error("processing failed topic={} partition={} offset={} processor={}",
        context.topic(), context.partition(), context.offset(), context.processorNodeId(), exception);
    return Response.fail();
  }
}
