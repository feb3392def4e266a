package io.glasswatch.streams.input;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Clock ticks: records with a null value and the header {@code glasswatch.clock-tick: true}. A tick's
 * record timestamp advances the stream time of the task that reads it and nothing else: it produces
 * no output. In live operation a ticker sends one to every partition of every input topic so that
 * deadlines (for example the decision delay of a root login) are evaluated on idle partitions too.
 */
public final class ClockTick {
  /** Header name marking a clock tick. */
  public static final String HEADER = io.glasswatch.schema.Topics.CLOCK_TICK_HEADER;

  private ClockTick() {}

  /** Whether {@code headers} carry {@code glasswatch.clock-tick: true} (case-insensitive value). */
  public static boolean isTick(Headers headers) {
    if (headers == null) {
      return false;
    }
    Header h = headers.lastHeader(HEADER);
    return h != null && h.value() != null
        && "true".equalsIgnoreCase(new String(h.value(), StandardCharsets.UTF_8).trim());
  }

  /** New headers holding only the tick marker. */
  public static Headers headers() {
    RecordHeaders headers = new RecordHeaders();
    headers.add(HEADER, "true".getBytes(StandardCharsets.UTF_8));
    return headers;
  }
}
