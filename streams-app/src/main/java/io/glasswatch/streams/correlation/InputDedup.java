package io.glasswatch.streams.correlation;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.schema.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * De-duplication of stage B's AWS inputs by their idempotency key (SPEC section 3, CONFLICTING_DUPLICATE),
 * with the content each key was seen with: a CloudTrail record by {@code eventID} (SPEC 1.2), a GuardDuty
 * finding by {@code id} and {@code updatedAt} (a finding updated by GuardDuty is a new version, not a
 * duplicate).
 *
 * <p>Rules: the first input of a key is new; a later input with the same key and the same content
 * ({@link #contentDigest}) is a copy (re-delivery, the same record in two files or shapes) and produces
 * nothing; a later input with the same key and content not seen before under it is a conflicting
 * duplicate: it is judged like a new input (so a root sign-in that reuses the id of a benign record is
 * still root activity), filed under its own timeline entry id ({@link #conflictEntryId}), and
 * CONFLICTING_DUPLICATE is raised ({@code ConflictingDuplicateRule}).
 *
 * <p>State: {@value AccountCorrelator#CLOUDTRAIL_SEEN} and {@value AccountCorrelator#GUARDDUTY_SEEN}
 * ({@code <eventTime 19 digits>|<key>} to event time, for the retention purge) and
 * {@value AccountCorrelator#INPUT_DIGESTS} (the key, {@code guardduty:}-prefixed for findings, to
 * {@code <eventTime of the first input>|<digest>[,<digest>...]}, at most {@link #MAX_DIGESTS} contents per
 * key; a further content is still reported but not remembered). A key seen before the digests store
 * existed (a seen key without digests) counts as a copy. Both are purged together after
 * {@code stateRetention} of event time.
 *
 * <p>Speed: nearly every input is new, and a key that is in no store is the slowest look-up RocksDB
 * makes. {@link KnownKeys}, an in-memory Bloom filter of every key the stores hold (a seen key counts as
 * its key), answers for those without a look-up; only a key it may hold (a copy, a conflict, or about 1%
 * of new keys) is looked up in the stores. The verdicts are the same either way.
 */
final class InputDedup {
  /** Contents remembered per key. */
  static final int MAX_DIGESTS = 8;
  private static final String FINDING = "guardduty:";

  /** What an input is to the de-duplication. */
  enum Verdict { NEW, COPY, CONFLICT }

  private final KeyValueStore<String, Long> cloudTrailSeen;
  private final KeyValueStore<String, Long> guardDutySeen;
  private final KeyValueStore<String, String> digests;
  private final KnownKeys known;

  /** De-duplication over these stores; builds its {@link KnownKeys} from them (a scan of every key). */
  InputDedup(KeyValueStore<String, Long> cloudTrailSeen, KeyValueStore<String, Long> guardDutySeen,
      KeyValueStore<String, String> digests) {
    this(cloudTrailSeen, guardDutySeen, digests, KnownKeys.MIN_CAPACITY);
  }

  /** As above, with a {@link KnownKeys} of at least {@code minCapacity} keys (tests use a small one). */
  InputDedup(KeyValueStore<String, Long> cloudTrailSeen, KeyValueStore<String, Long> guardDutySeen,
      KeyValueStore<String, String> digests, long minCapacity) {
    this.cloudTrailSeen = cloudTrailSeen;
    this.guardDutySeen = guardDutySeen;
    this.digests = digests;
    this.known = new KnownKeys(minCapacity,
        () -> cloudTrailSeen.approximateNumEntries() + guardDutySeen.approximateNumEntries()
            + digests.approximateNumEntries(),
        key -> {
          keys(digests, k -> k, key);
          keys(cloudTrailSeen, seenKey -> seenKey.substring(seenKey.indexOf('|') + 1), key);
          keys(guardDutySeen, seenKey -> FINDING + seenKey.substring(seenKey.indexOf('|') + 1), key);
        });
  }

  /** Hands every key of {@code store}, mapped to its de-duplication key, to {@code key}. */
  private static <V> void keys(KeyValueStore<String, V> store, UnaryOperator<String> map, Consumer<String> key) {
    try (KeyValueIterator<String, V> it = store.all()) {
      while (it.hasNext()) {
        key.accept(map.apply(it.next().key));
      }
    }
  }

  /** Records CloudTrail record {@code e} and says whether it is new, a copy or a conflicting duplicate. */
  Verdict admit(CloudTrailEvent e) {
    long at = e.getEventTime().toEpochMilli();
    return admit(cloudTrailSeen, AccountCorrelator.seenKey(at, e.getEventID()), e.getEventID(), at, contentDigest(e));
  }

  /**
   * Records finding {@code f} (event time {@code at}, version {@code updated}, epoch milliseconds) and says
   * whether it is new, a copy or a conflicting duplicate.
   */
  Verdict admit(GuardDutyFinding f, long at, long updated) {
    String key = f.getId() + "|" + updated;
    return admit(guardDutySeen, AccountCorrelator.seenKey(at, key), FINDING + key, at, contentDigest(f));
  }

  private Verdict admit(KeyValueStore<String, Long> seen, String seenKey, String key, long at, String digest) {
    if (this.known.add(key)) {
      // in no store, so neither a seen key nor digests: new (the look-ups below would say so too)
      seen.put(seenKey, at);
      digests.put(key, at + "|" + digest);
      return Verdict.NEW;
    }
    String known = digests.get(key);
    if (known == null) {
      if (seen.get(seenKey) != null) {
        return Verdict.COPY;
      }
      seen.put(seenKey, at);
      digests.put(key, at + "|" + digest);
      return Verdict.NEW;
    }
    List<String> contents = Arrays.asList(known.substring(known.indexOf('|') + 1).split(","));
    if (contents.contains(digest)) {
      return Verdict.COPY;
    }
    if (contents.size() < MAX_DIGESTS) {
      digests.put(key, known + "," + digest);
    }
    if (seen.get(seenKey) == null) {
      seen.put(seenKey, at);
    }
    return Verdict.CONFLICT;
  }

  /** Deletes the keys of inputs older than {@code cutoff} (event time, epoch milliseconds). */
  void purge(long cutoff) {
    purge(cloudTrailSeen, "", cutoff);
    purge(guardDutySeen, FINDING, cutoff);
  }

  private void purge(KeyValueStore<String, Long> seen, String prefix, long cutoff) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = seen.range(null, AccountCorrelator.seenKey(cutoff, ""))) {
      it.forEachRemaining(kv -> old.add(kv.key));
    }
    for (String seenKey : old) {
      seen.delete(seenKey);
      String key = prefix + seenKey.substring(seenKey.indexOf('|') + 1);
      String known = digests.get(key);
      if (known != null && Long.parseLong(known.substring(0, known.indexOf('|'))) < cutoff) {
        digests.delete(key);
      }
    }
  }

  /**
   * SHA-256 (hex) of what Glasswatch reads of a CloudTrail record: every normalized field but the raw
   * {@code record} text, {@code origin} (where it was read) and {@code validationErrors}, so the same
   * record read from two files or shapes is one content, and two records that differ in anything judged
   * are two.
   */
  static String contentDigest(CloudTrailEvent e) {
    return digest(Arrays.asList(e.getEventID(), e.getEventTime(), e.getEventSource(), e.getEventName(),
        e.getEventType(), e.getAwsRegion(), e.getRecipientAccountId(), e.getSourceIPAddress(), e.getUserAgent(),
        e.getUserIdentityType(), e.getUserIdentityArn(), e.getUserIdentityPrincipalId(), e.getUserName(),
        e.getInvokedBy(), e.getAccessKeyId(), e.getMfaUsed(), e.getMfaAuthenticated(), e.getConsoleLogin(),
        e.getErrorCode(), e.getErrorMessage(), e.getReadOnly(), e.getRequestParametersJson(),
        e.getResponseElementsJson(), e.getAdditionalEventDataJson()));
  }

  /** SHA-256 (hex) of what Glasswatch reads of a finding: every normalized field but {@code finding} and {@code origin}. */
  static String contentDigest(GuardDutyFinding f) {
    return digest(Arrays.asList(f.getId(), f.getType(), f.getSeverity(), f.getAccountId(), f.getRegion(),
        f.getCreatedAt(), f.getUpdatedAt(), f.getEventFirstSeen(), f.getEventLastSeen(), f.getTitle(),
        f.getDescription(), f.getSample(), f.getResourceType(), f.getAccessKeyUserType(), f.getAccessKeyUserName(),
        f.getAccessKeyPrincipalId(), f.getAccessKeyId(), f.getApi(), f.getServiceName(), f.getCallerType(),
        f.getRemoteIp()));
  }

  /**
   * Lower-case hex SHA-256 of the UTF-8 bytes of {@code <length>:<text>\n} for each part in order
   * ({@code length} in UTF-16 chars, decimal; a null part is the text U+0000). The parts are fed to the
   * digest one by one instead of being joined first; the bytes are the same, since no part's
   * surrogates can pair across the ':' and '\n' around it, so digests stored by earlier versions still
   * match.
   */
  static String digest(List<Object> parts) {
    return Hashing.sha256Hex(sha -> {
      for (Object p : parts) {
        String v = Objects.toString(p, "\u0000");
        sha.update(Integer.toString(v.length()).getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) ':');
        sha.update(v.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) '\n');
      }
    });
  }

  /** Timeline entry id of a conflicting duplicate: the usual id plus the first 16 hex digits of its digest. */
  static String conflictEntryId(String entryId, String digest) {
    return entryId + "#" + digest.substring(0, 16);
  }
}
