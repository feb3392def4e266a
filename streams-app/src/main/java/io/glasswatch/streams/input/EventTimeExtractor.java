package io.glasswatch.streams.input;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.RevokeResult;
import io.glasswatch.schema.TimelineEntry;
import io.glasswatch.schema.Topics;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of Glasswatch's input records, so that correlation never depends on when or how a
 * producer stamped a record.
 *
 * <ul>
 *   <li>{@link GatewayEvent}: {@code timestamp};
 *   <li>{@link CloudTrailEvent}: {@code eventTime};
 *   <li>{@link GuardDutyFinding}: {@code eventLastSeen}, else {@code updatedAt}, else {@code createdAt};
 *   <li>{@link RevokeResult}: {@code commandIssuedAt} (the event time the command was issued; its
 *       wall-clock times are recorded in the timeline but never move stream time);
 *   <li>anything else, clock ticks (null value) included: the record timestamp, else the partition time.
 * </ul>
 *
 * <p>An event time before 1970 (negative epoch milliseconds) is never returned: Kafka Streams would
 * drop such a record without a trace. Nor is an event time at or after {@link Topics#END_OF_INPUT_TIME}:
 * that stream time is the end-of-input tick's, and would decide every pending decision at once. The
 * partition time is returned instead, and {@link InputGate} sends the record to the dead-letter topic
 * naming its event time.
 *
 * <p>On-call delivery events have their own extractor, in {@code GlasswatchTopology}, so that this
 * package does not depend on the delivery package.
 */
public final class EventTimeExtractor implements TimestampExtractor {

  /**
   * Epoch milliseconds of {@code record}'s event time (see class Javadoc).
   *
   * @param partitionTime highest timestamp seen so far on the partition, used when nothing else is known
   */
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    Instant t = eventTime(record.value());
    if (t != null && !t.isBefore(Instant.EPOCH) && t.toEpochMilli() < Topics.END_OF_INPUT_TIME) {
      return t.toEpochMilli();
    }
    if (t != null) {
      return Math.max(partitionTime, 0);
    }
    return record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
  }

  /** The event time of an input value, or null when the value has none (or is null). */
  public static Instant eventTime(Object value) {
    if (value instanceof GatewayEvent g) {
      return g.getTimestamp();
    } else if (value instanceof CloudTrailEvent c) {
      return c.getEventTime();
    } else if (value instanceof GuardDutyFinding f) {
      return f.getEventLastSeen() != null ? f.getEventLastSeen()
          : f.getUpdatedAt() != null ? f.getUpdatedAt() : f.getCreatedAt();
    } else if (value instanceof RevokeResult r) {
      return r.getCommandIssuedAt();
    } else if (value instanceof TimelineEntry e) {
      return e.getTimestamp();
    }
    return null;
  }
}
