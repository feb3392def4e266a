package io.glasswatch.streams.correlation;

import io.glasswatch.streams.timeline.TimelineDraft;
import java.util.ArrayList;
import java.util.Comparator;
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
    /** Covered root events left out of {@code rootEventIds} (it holds at most {@link #MAX_EVIDENCE}). */
    long rootEventsOmitted;
    boolean rotationDecided;
    /** Id of the ROTATION_OVERDUE alert raised for this grant's session, or null; whether it was resolved. */
    String rotationAlertId;
    boolean rotationResolved;
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
    /** Sessions (access key id, else role/session name) SESSION_OUTLIVED_GRANT was raised for (SPEC 1.6). */
    TreeSet<String> outlivedSessions = new TreeSet<>();
    /** Event id of an {@code AssumeRoleWithSAML} after the grant's end that told the sweeper, or null. */
    String assignmentSeenEventId;

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

    /** The grant's gateway event id ({@code <requestId>/grant} when stage A named none). */
    String grantEventId() {
      return fact.grantEventId() != null ? fact.grantEventId() : fact.requestId() + "/grant";
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
    /**
     * The console session the record was made in, {@code <sessionContext.attributes.creationDate>|<source
     * IP>} ({@link io.glasswatch.streams.detection.RootActivity#consoleSession}), or null.
     */
    String consoleSession;
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
   * @param actor its {@code actor_id} (who declared), or null
   */
  record Declaration(String eventId, long at, String requestId, Long expectedMinutes, String actor) {
    /** A declaration whose actor is not known. */
    Declaration(String eventId, long at, String requestId, Long expectedMinutes) {
      this(eventId, at, requestId, expectedMinutes, null);
    }
  }

  /**
   * Rotation evidence of the account: a gateway {@code rotation} event, or a root credential change a
   * grant covered (never one made in an unauthorized session).
   *
   * @param eventId gateway event id or CloudTrail {@code eventID}
   * @param at its event time
   * @param what what rotated, for a human ({@code rotation event (root_password)}, {@code PasswordUpdated})
   */
  record Rotation(String eventId, long at, String what) {}

  /** An unauthorized root session: uncovered root events at most {@code rootSessionGap} apart. */
  static final class RootSession {
    String firstEventId;
    long firstAt;
    long lastAt;
    String firstAction;
    String firstSourceIp;
    String subject;
    LinkedHashSet<String> eventIds = new LinkedHashSet<>();
    /** Events of the session left out of {@code eventIds} (it holds at most {@link #MAX_EVIDENCE}). */
    long eventsOmitted;
    String alertId;
    boolean rotationDecided;
    /** Id of the ROTATION_OVERDUE alert raised for this session, or null; whether it was resolved. */
    String rotationAlertId;
    boolean rotationResolved;
    /** Console sessions ({@link PendingRoot#consoleSession}) whose records belong to this session. */
    TreeSet<String> consoleSessions = new TreeSet<>();
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
      if (p.consoleSession != null) {
        consoleSessions.add(p.consoleSession);
      }
    }

    void add(PendingRoot p) {
      firstAt = Math.min(firstAt, p.eventTime);
      lastAt = Math.max(lastAt, p.eventTime);
      if (p.consoleSession != null) {
        consoleSessions.add(p.consoleSession);
      }
      if (eventIds.size() < MAX_EVIDENCE) {
        eventIds.add(p.eventId);
      } else if (!eventIds.contains(p.eventId)) {
        eventsOmitted++;
      }
    }
  }

  /**
   * Uncovered root events decided before their decision delay passed (live only, {@link RootDecision}):
   * paged, but still open to a covering grant until {@code confirmAt} ({@link ProvisionalDecisions}).
   */
  static final class Provisional {
    /** The events decided (timeline drafts left out: they are filed already), in event-time order. */
    List<PendingRoot> events = new ArrayList<>();
    /** Deadline time at which the decision stands for good: the latest event time plus the decision delay. */
    long confirmAt;
    /** The alerts the decision raised. */
    List<ProvisionalAlert> alerts = new ArrayList<>();
  }

  /** An alert of a {@link Provisional} decision, with the revoke it holds back. */
  static final class ProvisionalAlert {
    String alertId;
    String alertType;
    String correlationId;
    String requestId;
    String summary;
    /** The alert's evidence (input event ids). */
    List<String> evidence = new ArrayList<>();
    /** Deadline time of the page, epoch milliseconds. */
    long detectedAt;
    /**
     * The revoke held back until {@code confirmAt}: null for none, {@link #REVOKE_ACCOUNT} (every active
     * grant of the account), {@link #REVOKE_ASSIGNED} (every active grant with an assignment), or a request id.
     */
    String revoke;
    boolean resolved;

    static final String REVOKE_ACCOUNT = "*account";
    static final String REVOKE_ASSIGNED = "*assigned";
  }

  String accountId;
  /** Provisional decisions of uncovered root events still open to a late grant, oldest first. */
  List<Provisional> provisional = new ArrayList<>();
  TreeMap<String, GrantView> grants = new TreeMap<>();
  List<PendingRoot> pending = new ArrayList<>();
  List<RootSession> sessions = new ArrayList<>();
  /** Event times of rotation evidence (gateway rotation events, authorized root credential changes). */
  List<Long> rotations = new ArrayList<>();
  /** The rotation evidence behind {@link #rotations}, for resolutions (ids), in arrival order. */
  List<Rotation> rotationEvidence = new ArrayList<>();
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
   * {@code AssumeRole} calls of the account's emergency roles (SPEC 1.6) waiting for, or decided by,
   * EMERGENCY_ROLE_WITHOUT_REQUEST, by CloudTrail {@code eventID}; kept {@code stateRetention}.
   */
  TreeMap<String, EmergencyAssume> emergencyAssumes = new TreeMap<>();
  /**
   * Deadline time at which the account next needs evaluating without new input (its key in the
   * {@code account-due} index), or null when only new input can change it.
   */
  Long dueAt;

  AccountState() {}

  AccountState(String accountId) {
    this.accountId = accountId;
  }

  /**
   * An {@code AssumeRole} of an emergency role (SPEC 1.6): the session it opened and its judgement.
   * {@code subject} is the {@code sourceIdentity}, else the role session name; {@code coveredBy} the request
   * whose approved grant covered it when it was judged, or null; {@code decided} once
   * EMERGENCY_ROLE_WITHOUT_REQUEST judged it (after {@code decisionDelay}, a late grant may still cover it).
   */
  static final class EmergencyAssume {
    String eventId;
    long at;
    String roleArn;
    String subject;
    String sessionName;
    String sourceIdentity;
    Long durationSeconds;
    String accessKeyId;
    Long expiresAt;
    String coveredBy;
    boolean decided;

    EmergencyAssume() {}
  }

  /** Order of pending root events: event time, then event id. */
  static final Comparator<PendingRoot> PENDING_ORDER =
      Comparator.comparingLong((PendingRoot p) -> p.eventTime).thenComparing(p -> p.eventId);

  /** The account's correlation id, {@code account:<id>}. */
  String correlation() {
    return TimelineDraft.accountCorrelation(accountId);
  }

  /** Records rotation evidence {@code r} (times kept sorted). */
  void addRotation(Rotation r) {
    rotations.add(r.at());
    rotations.sort(Comparator.naturalOrder());
    rotationEvidence.add(r);
  }

  /**
   * The earliest rotation evidence in {@code [from, to]}, or null; its id is null for a time recorded
   * without one (state written before ids were kept).
   */
  Rotation firstRotation(long from, long to) {
    for (long t : rotations) {
      if (t >= from && t <= to) {
        for (Rotation r : rotationEvidence) {
          if (r.at() == t) {
            return r;
          }
        }
        return new Rotation(null, t, "rotation");
      }
    }
    return null;
  }

  /**
   * The unauthorized session an event at {@code t} belongs to (within {@code gap} of it), nearest first;
   * null if none.
   */
  /**
   * The unauthorized session root event {@code p} belongs to (SPEC section 2): the one holding a record of
   * the same console session (same session creation time and source IP), whatever the gap; else
   * {@link #sessionOf}. Null if none.
   */
  RootSession sessionFor(PendingRoot p, long gap) {
    if (p.consoleSession != null) {
      for (RootSession session : sessions) {
        if (session.consoleSessions.contains(p.consoleSession)) {
          return session;
        }
      }
    }
    return sessionOf(p.eventTime, gap);
  }

  RootSession sessionOf(long t, long gap) {
    RootSession best = null;
    long bestDistance = Long.MAX_VALUE;
    for (RootSession session : sessions) {
      if (t >= session.firstAt - gap && t <= session.lastAt + gap) {
        long distance = t < session.firstAt ? session.firstAt - t : t > session.lastAt ? t - session.lastAt : 0;
        if (distance < bestDistance) {
          best = session;
          bestDistance = distance;
        }
      }
    }
    return best;
  }

  /** Whether nothing but id counters is left. */
  boolean isIdle() {
    return grants.isEmpty() && pending.isEmpty() && provisional.isEmpty() && sessions.isEmpty() && rotations.isEmpty()
        && rotationEvidence.isEmpty()
        && gatewayDigests.isEmpty() && gatewayCounts.isEmpty() && declarations.isEmpty() && lifecycle.isEmpty()
        && closedRequests.isEmpty() && emergencyAssumes.isEmpty();
  }
}
