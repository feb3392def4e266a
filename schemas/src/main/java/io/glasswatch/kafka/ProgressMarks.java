package io.glasswatch.kafka;

import io.glasswatch.schema.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Progress marks of gateway-side sources (README, "Source progress"): header-only records on the gateway
 * topic. A mark is a clock tick (null value, header {@value Topics#CLOCK_TICK_HEADER} {@code true}) with the
 * headers {@value Topics#PROGRESS_SOURCE_HEADER} (the source id) and {@value Topics#PROGRESS_PARTITIONS_HEADER}
 * (the partition count); its record timestamp T, epoch milliseconds, says "every record of this source with
 * event time at or before T was produced to this partition before this mark". No Avro schema changes: a
 * reader that does not know marks drops them as ticks.
 *
 * <p>Sending rule: a source sends a mark to every partition of the gateway topic, with the same producer
 * and only after every record it accepted up to T was acknowledged (or is ahead of the mark in the same
 * producer's per-partition order), so no mark overtakes a record it vouches for.
 */
public final class ProgressMarks {
  private ProgressMarks() {}

  /**
   * A mark as read from one partition.
   *
   * @param source the source id
   * @param time the mark's time T, epoch milliseconds
   * @param partition the partition it was read from
   * @param partitions the partition count the source saw
   */
  public record Mark(String source, long time, int partition, int partitions) {}

  /**
   * The marks of one source for time {@code time}: one record per partition of {@code topic}, key the source
   * id, value null.
   *
   * @param topic the gateway topic (with its prefix)
   * @param source the source id, not blank
   * @param time epoch milliseconds, not negative
   * @param partitions the topic's partition count, at least 1
   * @param <V> the producer's value type (the value is null)
   * @throws IllegalArgumentException for a blank source, a negative time or no partition
   */
  public static <V> List<ProducerRecord<String, V>> records(String topic, String source, long time, int partitions) {
    if (source == null || source.isBlank() || time < 0 || partitions < 1) {
      throw new IllegalArgumentException("a progress mark needs a source id, a time >= 0 and a partition count >= 1,"
          + " got '" + source + "', " + time + ", " + partitions);
    }
    List<ProducerRecord<String, V>> out = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      out.add(new ProducerRecord<>(topic, p, time, source, null, headers(source, partitions)));
    }
    return out;
  }

  /** The headers of a mark of {@code source} on a topic of {@code partitions} partitions. */
  public static Headers headers(String source, int partitions) {
    RecordHeaders h = new RecordHeaders();
    h.add(Topics.CLOCK_TICK_HEADER, "true".getBytes(StandardCharsets.UTF_8));
    h.add(Topics.PROGRESS_SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
    h.add(Topics.PROGRESS_PARTITIONS_HEADER, Integer.toString(partitions).getBytes(StandardCharsets.UTF_8));
    return h;
  }

  /**
   * The mark a record carries, if it is one: the progress headers present and well formed (a source id, a
   * partition count that includes {@code partition}), and a timestamp not negative.
   *
   * @param headers the record's headers (may be null)
   * @param partition the partition the record was read from
   * @param timestamp the record's timestamp, epoch milliseconds
   * @return the mark, or empty for any other record (a plain tick, a malformed mark)
   */
  public static Optional<Mark> read(Headers headers, int partition, long timestamp) {
    String source = text(headers, Topics.PROGRESS_SOURCE_HEADER);
    String count = text(headers, Topics.PROGRESS_PARTITIONS_HEADER);
    if (source == null || source.isBlank() || count == null || !count.matches("[1-9][0-9]{0,5}") || timestamp < 0) {
      return Optional.empty();
    }
    int partitions = Integer.parseInt(count);
    if (partition < 0 || partition >= partitions) {
      return Optional.empty();
    }
    return Optional.of(new Mark(source.strip(), timestamp, partition, partitions));
  }

  private static String text(Headers headers, String name) {
    if (headers == null) {
      return null;
    }
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8).trim();
  }
}
