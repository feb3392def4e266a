package io.glasswatch.streams.errors;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rule: a record that cannot be deserialized is data, not a failure. Its raw bytes go to the
 * dead-letter topic (see {@link DeadLetterRecords}) inside the same transaction as the task's other
 * output, and processing continues. Configured as {@code deserialization.exception.handler}.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    topic = DeadLetterRecords.topic(configs);
  }

  /** Logs topic, partition and offset, and resumes with one dead-letter record. */
  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    String reason = "cannot deserialize: " + DeadLetterRecords.reasonOf(exception);
    LOG.warn("dead-lettering undeserializable record topic={} partition={} offset={}: {}",
        record.topic(), record.partition(), record.offset(), reason);
    return Response.resume(List.of(DeadLetterRecords.build(topic, context, reason, exception)));
  }
}
