package io.glasswatch.streams.correlation;

import io.glasswatch.streams.timeline.TimelineDraft;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

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
    /** The request's tenant (from lifecycle facts), or null while unknown. */
    String tenant;
    /** Event time of each covered root use (at most {@link #MAX_EVIDENCE}), by event id; and the latest one. */
    TreeMap<String, Long> useTimes = new TreeMap<>();
    String lastRootEventId;
    /** eventNames ROOT_ANTIPATTERN was raised for under this grant. */
    TreeSet<String> antipatterns = new TreeSet<>();
    /** Whether MISSING_AUDIT_RECORD was decided, SESSION_OVERRUN raised, DUPLICATE_GRANT raised. */
    boolean auditDecided;
    boolean overrunAlerted;
    boolean duplicateAlerted;
    /** Whether the expiry sweeper judged the grant's end (issued its revoke, or found it still needed). */
    boolean swept;

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

  /**
   * A root event waiting for its decision (a covering grant, or the decision delay to pass): root use,
   * a failed root sign-in ({@code failedLogin}), or a console root call ({@code consoleCall}, not root
   * use). {@code antipatternCandidate}: a successful root CloudTrail call, whose eventName the policy
   * of the decision may find an antipattern.
   */
  static final class PendingRoot {
    String eventId;
    long eventTime;
    String action;
    String sourceIp;
    String subject;
    boolean loginWithoutMfa;
    boolean credentialChange;
    boolean failedLogin;
    boolean consoleCall;
    boolean antipatternCandidate;
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

    /** Whether this is root use (it opens or extends a session). */
    boolean isUse() {
      return !failedLogin && !consoleCall;
    }
  }

  /**
   * A break-glass root declaration (gateway {@code root_declaration}) of the account.
   *
   * @param eventId its gateway event id
   * @param at its event time
   * @param requestId {@code metadata.requestId}, or null
   * @param expectedMinutes {@code metadata.expected_session_duration_minutes}, or null
   */
  record Declaration(String eventId, long at, String requestId, Long expectedMinutes) {}

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
    /** eventNames ROOT_ANTIPATTERN was raised for in this session. */
    TreeSet<String> antipatterns = new TreeSet<>();

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
  /** Break-glass root declarations of the account, in arrival order. */
  List<Declaration> declarations = new ArrayList<>();
  /** Requests of the account whose lifecycle is in the {@code request-lifecycle} store. */
  TreeSet<String> lifecycle = new TreeSet<>();
  /** Requests whose lifecycle closed and left the store, to their close time (kept {@code stateRetention}). */
  TreeMap<String, Long> closedRequests = new TreeMap<>();
  /**
   * Deadline time at which the account next needs evaluating without new input (its key in the
   * {@code account-due} index), or null when only new input can change it.
   */
  Long dueAt;

  AccountState() {}

  AccountState(String accountId) {
    this.accountId = accountId;
  }

  /** Whether nothing but id counters is left. */
  boolean isIdle() {
    return grants.isEmpty() && pending.isEmpty() && sessions.isEmpty() && rotations.isEmpty()
        && gatewayDigests.isEmpty() && gatewayCounts.isEmpty() && declarations.isEmpty() && lifecycle.isEmpty()
        && closedRequests.isEmpty();
  }
}
