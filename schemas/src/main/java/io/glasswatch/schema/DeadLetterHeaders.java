package io.glasswatch.schema;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Header names of dead-letter records. The record value is always the raw rejected bytes; these
 * UTF-8 headers say where they came from and why. File input sets {@link #FILE}, {@link #LINE} and
 * {@link #REASON}; records rejected inside Kafka Streams set {@link #SOURCE_TOPIC},
 * {@link #SOURCE_PARTITION}, {@link #SOURCE_OFFSET} and {@link #REASON}.
 */
public final class DeadLetterHeaders {
  /** Input file path. */
  public static final String FILE = "glasswatch.dlq.file";
  /** 1-based line number in the file (for a JSON document, the line where the value starts). */
  public static final String LINE = "glasswatch.dlq.line";
  /** JSON field that was missing or invalid, when one is to blame. */
  public static final String FIELD = "glasswatch.dlq.field";
  /** Human-readable reason, e.g. "missing required field requestId". */
  public static final String REASON = "glasswatch.dlq.reason";
  /** Topic the rejected record was read from. */
  public static final String SOURCE_TOPIC = "glasswatch.dlq.source.topic";
  /** Partition the rejected record was read from (decimal). */
  public static final String SOURCE_PARTITION = "glasswatch.dlq.source.partition";
  /** Offset of the rejected record (decimal). */
  public static final String SOURCE_OFFSET = "glasswatch.dlq.source.offset";
  /** Exception class name, when an exception caused the rejection. */
  public static final String EXCEPTION = "glasswatch.dlq.exception";

  private DeadLetterHeaders() {}

  /** Adds a UTF-8 header when {@code value} is not null. */
  public static void put(Headers headers, String name, Object value) {
    if (value != null) {
      headers.add(name, String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The last value of header {@code name} as a string, or null. */
  public static String get(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
