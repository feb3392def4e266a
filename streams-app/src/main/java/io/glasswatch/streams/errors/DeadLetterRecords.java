package io.glasswatch.streams.errors;

import io.glasswatch.schema.DeadLetterHeaders;
import io.glasswatch.schema.Topics;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;

/**
 * Builds dead-letter records with Kafka Streams' own dead-letter support (KIP-1034): the record
 * carries the raw source key and value, the source record's headers, Kafka Streams' standard
 * {@code __streams.errors.*} headers, and Glasswatch's {@link DeadLetterHeaders} (source topic,
 * partition, offset, reason, exception class).
 */
public final class DeadLetterRecords {
  private DeadLetterRecords() {}

  /**
   * The dead-letter topic configured in {@code errors.dead.letter.queue.topic.name}, else {@link Topics#DEAD_LETTER}.
   *
   * @param configs handler configuration passed by Kafka Streams
   */
  public static String topic(Map<String, ?> configs) {
    Object t = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    return t == null || String.valueOf(t).isBlank() ? Topics.DEAD_LETTER : String.valueOf(t);
  }

  /**
   * One dead-letter record for the source record of {@code context}.
   *
   * @param topic dead-letter topic
   * @param context Kafka Streams' error context (topic, partition, offset, raw key and value)
   * @param reason human-readable reason, written to {@link DeadLetterHeaders#REASON}
   * @param exception the cause, its class written to {@link DeadLetterHeaders#EXCEPTION}
   */
  public static ProducerRecord<byte[], byte[]> build(String topic, ErrorHandlerContext context, String reason,
      Exception exception) {
    ProducerRecord<byte[], byte[]> record = ExceptionHandlerUtils.buildDeadLetterQueueRecord(
        topic, context.sourceRawKey(), context.sourceRawValue(), context, exception);
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_TOPIC, context.topic());
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_PARTITION, context.partition());
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.SOURCE_OFFSET, context.offset());
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.REASON, reason);
    DeadLetterHeaders.put(record.headers(), DeadLetterHeaders.EXCEPTION, exception.getClass().getName());
    return record;
  }

  /** The message of {@code e} and of its causes, joined by ": ", for the reason header. */
  public static String reasonOf(Throwable e) {
    StringBuilder sb = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null && sb.indexOf(t.getMessage()) < 0) {
        if (sb.length() > 0) {
          sb.append(": ");
        }
        sb.append(t.getMessage());
      }
    }
    return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
  }
}
