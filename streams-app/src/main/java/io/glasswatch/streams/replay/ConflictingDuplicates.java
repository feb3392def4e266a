package io.glasswatch.streams.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.glasswatch.schema.CloudTrailEvent;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Counts, for a replay's summary, the CloudTrail records that repeat an earlier record's {@code eventID}
 * and event time, in the replay's event-time-ordered stream, and names where each conflicting one was
 * read. It decides nothing: the topology's own de-duplication ({@code InputDedup}, stage B, SPEC 3
 * {@code CONFLICTING_DUPLICATE}) collapses an identical copy (it produces nothing), and judges a record
 * whose content differs like a new input, files it under its own timeline entry and raises
 * {@code CONFLICTING_DUPLICATE}; this class gives the operator the file and line of both records.
 *
 * <p>Content is the record as received, compared as JSON values (key order and whitespace do not
 * count; {@code origin} and {@code validationErrors} are not content). Identical re-deliveries (the
 * same record from S3 and from EventBridge, say) are counted as duplicates (collapsed by the topology),
 * not as conflicts. Only records with the same event time are compared; a record reusing an
 * {@code eventID} at another event time is still found by the topology (which keys contents by
 * {@code eventID} alone), not here. GuardDuty findings and gateway events are not counted here.
 *
 * <p>Memory: only the records of the current event-time millisecond are held, since the input is
 * ordered by event time.
 */
public final class ConflictingDuplicates {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /**
   * A conflicting duplicate.
   *
   * @param eventId the shared eventID
   * @param firstOrigin where the earlier record was read
   * @param origin where the conflicting record was read
   */
  public record Conflict(String eventId, String firstOrigin, String origin) {
    /** {@code <origin>: ...}, the line printed to operators. */
    public String describe() {
      return origin + ": cloudtrail: conflicting duplicate: eventID " + eventId + " at the same eventTime as "
          + firstOrigin + " with different content; both are judged and filed, and CONFLICTING_DUPLICATE is raised";
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
