package io.glasswatch.streams.correlation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Stage A's state of one request (store {@code request-state}, JSON). Times are epoch milliseconds,
 * event time. Mutable; owned by one {@link RequestCorrelator} task.
 */
final class RequestState {
  /** One approval event. */
  record Approval(String eventId, String approver, String role, String acr, long at) {}

  /** A grant event (the latest one is {@link #grant}; every one is in {@link #grants}). */
  record Grant(String eventId, long grantedAt, Long expiresAt, String tokenFingerprint, boolean singleUse,
      Assignment assignment, String accountId) {}

  /**
   * One lifecycle step recorded for stage B, held until the request's account is known.
   *
   * @param event a {@link LifecycleFact#EVENTS} name
   * @param at event time of the step, epoch milliseconds
   * @param eventId gateway event id or revoke command id behind it
   * @param approverRoles roles that approved so far ({@code approved} only)
   * @param sent whether it went to stage B
   */
  record Step(String event, long at, String eventId, List<String> approverRoles, boolean sent) {}

  /**
   * A revoke owed for an alert raised before the request had a grant; issued when a grant arrives.
   *
   * @param alertId the alert
   * @param alertType its type
   * @param summary its summary (the command's reason)
   * @param raisedAt stream time the alert was raised, epoch milliseconds
   */
  record DeferredRevoke(String alertId, String alertType, String summary, long raisedAt) {}

  /** One usage event and whether it was already found after expiry. */
  static final class Usage {
    String eventId;
    long at;
    String tokenFingerprint;
    String outcome;
    List<String> scope;
    String tenant;
    boolean expiryAlerted;

    Usage() {}

    Usage(String eventId, long at, String tokenFingerprint, String outcome) {
      this(eventId, at, tokenFingerprint, outcome, null, null);
    }

    Usage(String eventId, long at, String tokenFingerprint, String outcome, List<String> scope, String tenant) {
      this.eventId = eventId;
      this.at = at;
      this.tokenFingerprint = tokenFingerprint;
      this.outcome = outcome;
      this.scope = scope == null ? null : List.copyOf(scope);
      this.tenant = tenant;
    }

    boolean denied() {
      return "deny".equalsIgnoreCase(outcome);
    }

    boolean allowed() {
      return "allow".equalsIgnoreCase(outcome);
    }
  }

  /**
   * An {@code error} event of a break-glass system (SPEC 1.4, JIT controller ERROR).
   *
   * @param eventId gateway event id
   * @param at event time, epoch milliseconds
   * @param phase where it failed ({@code grant}, {@code revoke}), or null
   * @param message the source's error text, or null
   * @param actor the system actor that failed, or null
   */
  record ErrorEvent(String eventId, long at, String phase, String message, String actor) {
    /** Whether the failure was in ending the grant (revoke, or the reconciler's expiry). */
    boolean endingPhase() {
      String p = normalize(phase);
      return "revoke".equals(p) || "expiry".equals(p) || "expire".equals(p);
    }
  }

  /**
   * An audit-log record whose checksum chain is broken (SPEC 1.4, GATEWAY_AUDIT_TAMPERED).
   *
   * @param eventId gateway event id
   * @param at event time, epoch milliseconds
   * @param origin where it was read, {@code file:line}
   * @param problem which test of the chain failed
   * @param digest the record's sourceDigest
   */
  record BrokenAudit(String eventId, long at, String origin, String problem, String digest) {}

  String requestId;
  /** The break-glass system the request's records come from (SPEC 1.4), or null for canonical events. */
  String source;
  /** Errors reported for the request, in arrival order. */
  List<ErrorEvent> errors = new ArrayList<>();
  /** Audit records of the request (or subject) whose chain is broken, in arrival order. */
  List<BrokenAudit> brokenAudits = new ArrayList<>();
  /** Gateway event id of the first denial of the request, or null. */
  String deniedEventId;
  /** Event time of the earliest revoke-phase error, or null: the sweeper must check the assignment. */
  Long revokeErrorAt;
  boolean requested;
  String subject;
  String accountId;
  String kind;
  /** Tenant of the request, or null. */
  String tenant;
  /** Scope of the request (the SPEC default when the request named none); null before the request. */
  List<String> scope;
  /** Gateway event id of the request event. */
  String requestEventId;
  List<Approval> approvals = new ArrayList<>();
  /** The latest grant event in arrival order. */
  Grant grant;
  /** Every grant event in arrival order. */
  List<Grant> grants = new ArrayList<>();
  Long expiredAt;
  String expiryEventId;
  String expiryReason;
  Long revokedAt;
  String revokedBy;
  List<Usage> usages = new ArrayList<>();
  TreeMap<String, Integer> counts = new TreeMap<>();
  LinkedHashSet<String> digests = new LinkedHashSet<>();
  LinkedHashSet<String> reusedTokens = new LinkedHashSet<>();
  LinkedHashSet<String> alerts = new LinkedHashSet<>();
  LinkedHashSet<String> revokeCommands = new LinkedHashSet<>();
  LinkedHashSet<String> results = new LinkedHashSet<>();
  GrantFact lastFact;
  long lastEventAt;
  /** Decisions taken once: {@code <rule>} or {@code <rule>|<event id>} (see {@link RequestRules}). */
  LinkedHashSet<String> decided = new LinkedHashSet<>();
  /** Lifecycle steps in the order they were recorded. */
  List<Step> steps = new ArrayList<>();
  /** Revokes owed for alerts raised before any grant. */
  List<DeferredRevoke> deferredRevokes = new ArrayList<>();
  /** Stream time of this request's entry in the deadline index, or null when it has none. */
  Long wakeAt;

  RequestState() {}

  RequestState(String requestId) {
    this.requestId = requestId;
  }

  /** The next 1-based number of an event of {@code type}. */
  int next(String type) {
    return counts.merge(type, 1, Integer::sum);
  }

  /** Account of the request, else of the grant; null when neither is known yet. */
  String account() {
    if (accountId != null) {
      return accountId;
    }
    return grant == null ? null : grant.accountId();
  }

  /** Whether a lifecycle step named {@code event} was already recorded. */
  boolean hasStep(String event) {
    return steps.stream().anyMatch(st -> st.event().equals(event));
  }

  /** Whether {@code approver} is this request's subject (trimmed, case-insensitive); false while the subject is unknown. */
  boolean isSubject(String approver) {
    return subject != null && approver != null && normalize(subject).equals(normalize(approver));
  }

  /** Trimmed lower case (ROOT locale); null for null. */
  static String normalize(String v) {
    return v == null ? null : v.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Whether the token with {@code fingerprint} is single-use: per the latest grant of that token (of any
   * token for a null fingerprint), else true (the gateway default).
   */
  boolean singleUse(String fingerprint) {
    if (grant != null && (fingerprint == null || fingerprint.equals(grant.tokenFingerprint()))) {
      return grant.singleUse();
    }
    for (int i = grants.size() - 1; i >= 0; i--) {
      if (grants.get(i).tokenFingerprint() != null && grants.get(i).tokenFingerprint().equals(fingerprint)) {
        return grants.get(i).singleUse();
      }
    }
    return true;
  }

  /** When the grant ended early (expiry event or revocation), or null. */
  Long endedAt() {
    Long end = min(expiredAt, revokedAt);
    // a source's failed revoke: the grant was meant to end then, so the sweeper checks from that time
    return revokeErrorAt == null || revokedAt != null ? end : min(end, revokeErrorAt);
  }

  private static Long min(Long a, Long b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return Math.min(a, b);
  }

  /** Why the grant ended early, or null. */
  String endReason() {
    if (revokeErrorAt != null && revokedAt == null) {
      // the source failed to end the grant: never "revoked", so the expiry sweeper checks the assignment
      return "revoke_error";
    }
    if (expiredAt != null && (revokedAt == null || expiredAt <= revokedAt)) {
      return "expiry:" + expiryReason;
    }
    return revokedAt == null ? null : "revoked";
  }
}
