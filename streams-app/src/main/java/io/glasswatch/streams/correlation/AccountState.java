package io.glasswatch.streams.correlation;

import io.glasswatch.streams.timeline.TimelineDraft;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;

/**
 * Stage B's state of one AWS account (store {@code account-state}, JSON). Times are epoch
 * milliseconds, event time. Mutable; owned by one {@link AccountCorrelator} task.
 */
final class AccountState {
  /** Most event ids kept as evidence of one session. */
  static final int MAX_EVIDENCE = 100;

  /** Stage B's view of one request's grant: stage A's latest fact plus what happened here. */
  static final class GrantView {
    GrantFact fact;
    /** When this stage revoked the grant (UNAUTHORIZED_ROOT_USE or ROTATION_OVERDUE), or null. */
    Long revokedHereAt;
    /** First and last covered root event, or null when the grant covered none. */
    Long firstRootAt;
    Long lastRootAt;
    String firstRootEventId;
    LinkedHashSet<String> rootEventIds = new LinkedHashSet<>();
    boolean rotationDecided;

    GrantView() {}

    GrantView(GrantFact fact) {
      this.fact = fact;
    }

    /** End of the grant: expiry, early end, or revocation here; null while none is known. */
    Long end() {
      Long end = fact.end();
      if (revokedHereAt == null) {
        return end;
      }
      return end == null ? revokedHereAt : Math.min(end, revokedHereAt);
    }

    /** Whether the grant is in force at {@code t}: granted, not expired, not ended, not revoked. */
    boolean activeAt(long t) {
      Long end = end();
      return fact.grantedAt() <= t && (end == null || t < end);
    }

    /** Whether the grant covers an event at {@code t}: approved and {@code grantedAt - skew <= t <= end + skew}. */
    boolean covers(long t, long skew) {
      Long end = end();
      return fact.approved() && fact.grantedAt() - skew <= t && (end == null || t <= end + skew);
    }
  }

  /** A successful root event waiting for its decision (a covering grant, or the decision delay to pass). */
  static final class PendingRoot {
    String eventId;
    long eventTime;
    String action;
    String sourceIp;
    String subject;
    boolean loginWithoutMfa;
    boolean credentialChange;
    TimelineDraft draft;

    PendingRoot() {}

    PendingRoot(String eventId, long eventTime, String action, String sourceIp, String subject,
        boolean loginWithoutMfa, boolean credentialChange, TimelineDraft draft) {
      this.eventId = eventId;
      this.eventTime = eventTime;
      this.action = action;
      this.sourceIp = sourceIp;
      this.subject = subject;
      this.loginWithoutMfa = loginWithoutMfa;
      this.credentialChange = credentialChange;
      this.draft = draft;
    }
  }

  /** An unauthorized root session: uncovered root events at most {@code rootSessionGap} apart. */
  static final class RootSession {
    String firstEventId;
    long firstAt;
    long lastAt;
    String firstAction;
    String firstSourceIp;
    String subject;
    LinkedHashSet<String> eventIds = new LinkedHashSet<>();
    String alertId;
    boolean rotationDecided;

    RootSession() {}

    RootSession(PendingRoot p) {
      firstEventId = p.eventId;
      firstAt = p.eventTime;
      lastAt = p.eventTime;
      firstAction = p.action;
      firstSourceIp = p.sourceIp;
      subject = p.subject;
      eventIds.add(p.eventId);
    }

    void add(PendingRoot p) {
      firstAt = Math.min(firstAt, p.eventTime);
      lastAt = Math.max(lastAt, p.eventTime);
      if (eventIds.size() < MAX_EVIDENCE) {
        eventIds.add(p.eventId);
      }
    }
  }

  String accountId;
  TreeMap<String, GrantView> grants = new TreeMap<>();
  List<PendingRoot> pending = new ArrayList<>();
  List<RootSession> sessions = new ArrayList<>();
  /** Event times of rotation evidence (gateway rotation events, authorized root credential changes). */
  List<Long> rotations = new ArrayList<>();
  /** Count of account-scoped gateway events per {@code <scope>/<type>}, for their ids; kept for good. */
  TreeMap<String, Integer> gatewayCounts = new TreeMap<>();
  /** sourceDigest of account-scoped gateway events seen, to their event time. */
  TreeMap<String, Long> gatewayDigests = new TreeMap<>();

  AccountState() {}

  AccountState(String accountId) {
    this.accountId = accountId;
  }

  /** Whether nothing but id counters is left. */
  boolean isIdle() {
    return grants.isEmpty() && pending.isEmpty() && sessions.isEmpty() && rotations.isEmpty()
        && gatewayDigests.isEmpty() && gatewayCounts.isEmpty();
  }
}
