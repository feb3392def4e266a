package io.glasswatch.streams.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.CloudTrailEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Finds CloudTrail records that share an {@code eventID} and event time with an earlier record but
 * differ in content, in a replay's event-time-ordered stream. The topology de-duplicates CloudTrail
 * records on {@code <eventTime>|<eventID>} and processes the first only; a second record under the
 * same identity with different content must not vanish in silence, so the replay reports it (with
 * both origins) and counts it.
 *
 * <p>Content is the record as received, compared as JSON values (key order and whitespace do not
 * count; {@code origin} and {@code validationErrors} are not content). Identical re-deliveries (the
 * same record from S3 and from EventBridge, say) are counted as duplicates, not as conflicts.
 *
 * <p>Memory: only the records of the current event-time millisecond are held, since records with the
 * same identity share an event time and the input is ordered by it.
 */
public final class ConflictingDuplicates {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * A conflicting duplicate.
   *
   * @param eventId the shared eventID
   * @param firstOrigin where the record the topology processes was read
   * @param origin where the conflicting record was read
   */
  public record Conflict(String eventId, String firstOrigin, String origin) {
    /** {@code <origin>: ...}, the line printed to operators. */
    public String describe() {
      return origin + ": cloudtrail: conflicting duplicate: eventID " + eventId + " at the same eventTime as "
          + firstOrigin + " with different content; the topology's de-duplication processes the first only,"
          + " this record is reported here and counted";
    }
  }

  private final Map<String, CloudTrailEvent> current = new HashMap<>();
  private long currentTime = Long.MIN_VALUE;
  private long duplicates;
  private long conflicts;

  /** Identical re-deliveries seen. */
  public long duplicates() {
    return duplicates;
  }

  /** Conflicting duplicates seen. */
  public long conflicts() {
    return conflicts;
  }

  /**
   * Looks at the next record of the ordered stream.
   *
   * @return the conflict this record makes, or null (also for values that are not CloudTrail records)
   */
  public Conflict check(Object value) {
    if (!(value instanceof CloudTrailEvent e)) {
      return null;
    }
    long t = e.getEventTime().toEpochMilli();
    if (t != currentTime) {
      current.clear();
      currentTime = t;
    }
    CloudTrailEvent first = current.putIfAbsent(e.getEventID(), e);
    if (first == null) {
      return null;
    }
    if (sameContent(first, e)) {
      duplicates++;
      return null;
    }
    conflicts++;
    return new Conflict(e.getEventID(), Objects.toString(first.getOrigin(), "?"), Objects.toString(e.getOrigin(), "?"));
  }

  private static boolean sameContent(CloudTrailEvent a, CloudTrailEvent b) {
    if (a.getRecord().equals(b.getRecord())) {
      return true;
    }
    try {
      JsonNode x = MAPPER.readTree(a.getRecord());
      JsonNode y = MAPPER.readTree(b.getRecord());
      return x.equals(y);
    } catch (IOException | RuntimeException ex) {
      return false;
    }
  }
}
