package io.glasswatch.streams.correlation;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.Hashing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * De-duplication of CloudTrail records by their idempotency key, {@code eventID} (SPEC 1.2), with the
 * content each key was seen with.
 *
 * <p>Rules: the first record of an {@code eventID} is new; a later record with the same {@code eventID}
 * and the same content ({@link #contentDigest}) is a copy (re-delivery, the same record in two files or
 * shapes) and produces nothing; a later record with the same {@code eventID} and content not seen before
 * under it is a conflicting duplicate: it is judged like a new record (so a root sign-in that reuses the
 * id of a benign record is still root activity), filed under its own timeline entry id
 * ({@link #conflictEntryId}), and CONFLICTING_DUPLICATE is raised ({@code ConflictingDuplicateRule}).
 *
 * <p>State: {@value AccountCorrelator#CLOUDTRAIL_SEEN} ({@code <eventTime 19 digits>|<eventID>} to event
 * time, for the retention purge) and {@value AccountCorrelator#CLOUDTRAIL_DIGESTS} ({@code eventID} to
 * {@code <eventTime of the first record>|<digest>[,<digest>...]}, at most {@link #MAX_DIGESTS} contents
 * per id; a further content is still reported but not remembered). A key seen before the digests store
 * existed (a seen key without digests) counts as a copy. Both are purged together after
 * {@code stateRetention} of event time.
 */
final class CloudTrailDedup {
  /** Contents remembered per {@code eventID}. */
  static final int MAX_DIGESTS = 8;

  /** What a record is to the de-duplication. */
  enum Verdict { NEW, COPY, CONFLICT }

  private final KeyValueStore<String, Long> seen;
  private final KeyValueStore<String, String> digests;

  CloudTrailDedup(KeyValueStore<String, Long> seen, KeyValueStore<String, String> digests) {
    this.seen = seen;
    this.digests = digests;
  }

  /** Records {@code e} and says whether it is new, a copy or a conflicting duplicate. */
  Verdict admit(CloudTrailEvent e) {
    long at = e.getEventTime().toEpochMilli();
    String id = e.getEventID();
    String digest = contentDigest(e);
    String known = digests.get(id);
    String seenKey = AccountCorrelator.seenKey(at, id);
    if (known == null) {
      if (seen.get(seenKey) != null) {
        return Verdict.COPY;
      }
      seen.put(seenKey, at);
      digests.put(id, at + "|" + digest);
      return Verdict.NEW;
    }
    int bar = known.indexOf('|');
    List<String> contents = Arrays.asList(known.substring(bar + 1).split(","));
    if (contents.contains(digest)) {
      return Verdict.COPY;
    }
    if (contents.size() < MAX_DIGESTS) {
      digests.put(id, known + "," + digest);
    }
    if (seen.get(seenKey) == null) {
      seen.put(seenKey, at);
    }
    return Verdict.CONFLICT;
  }

  /** Deletes the keys of records older than {@code cutoff} (event time, epoch milliseconds). */
  void purge(long cutoff) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = seen.range(null, AccountCorrelator.seenKey(cutoff, ""))) {
      it.forEachRemaining(kv -> old.add(kv.key));
    }
    for (String key : old) {
      seen.delete(key);
      String id = key.substring(key.indexOf('|') + 1);
      String known = digests.get(id);
      if (known != null && Long.parseLong(known.substring(0, known.indexOf('|'))) < cutoff) {
        digests.delete(id);
      }
    }
  }

  /**
   * SHA-256 (hex) of what Glasswatch reads of a record: every normalized field but the raw {@code record}
   * text and {@code origin} (where it was read), so the same record read from two files or shapes is one
   * content, and two records that differ in anything judged are two.
   */
  static String contentDigest(CloudTrailEvent e) {
    List<Object> parts = Arrays.asList(e.getEventID(), e.getEventTime(), e.getEventSource(), e.getEventName(),
        e.getEventType(), e.getAwsRegion(), e.getRecipientAccountId(), e.getSourceIPAddress(), e.getUserAgent(),
        e.getUserIdentityType(), e.getUserIdentityArn(), e.getUserIdentityPrincipalId(), e.getUserName(),
        e.getInvokedBy(), e.getAccessKeyId(), e.getMfaUsed(), e.getMfaAuthenticated(), e.getConsoleLogin(),
        e.getErrorCode(), e.getErrorMessage(), e.getReadOnly(), e.getRequestParametersJson(),
        e.getResponseElementsJson(), e.getAdditionalEventDataJson());
    StringBuilder b = new StringBuilder();
    for (Object p : parts) {
      String v = Objects.toString(p, "\u0000");
      b.append(v.length()).append(':').append(v).append('\n');
    }
    return Hashing.sha256Hex(b.toString());
  }

  /** Timeline entry id of a conflicting duplicate: the usual id plus the first 16 hex digits of its digest. */
  static String conflictEntryId(String entryId, CloudTrailEvent e) {
    return entryId + "#" + contentDigest(e).substring(0, 16);
  }
}
