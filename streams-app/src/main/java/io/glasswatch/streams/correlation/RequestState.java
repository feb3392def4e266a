package io.glasswatch.streams.correlation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeMap;

/**
 * Stage A's state of one request (store {@code request-state}, JSON). Times are epoch milliseconds,
 * event time. Mutable; owned by one {@link RequestCorrelator} task.
 */
final class RequestState {
  /** One approval event. */
  record Approval(String eventId, String approver, String role, String acr, long at) {}

  /** The request's grant (the latest grant event). */
  record Grant(String eventId, long grantedAt, Long expiresAt, String tokenFingerprint, boolean singleUse,
      Assignment assignment, String accountId) {}

  /** One usage event and whether it was already found after expiry. */
  static final class Usage {
    String eventId;
    long at;
    String tokenFingerprint;
    String outcome;
    boolean expiryAlerted;

    Usage() {}

    Usage(String eventId, long at, String tokenFingerprint, String outcome) {
      this.eventId = eventId;
      this.at = at;
      this.tokenFingerprint = tokenFingerprint;
      this.outcome = outcome;
    }

    boolean allowed() {
      return "allow".equalsIgnoreCase(outcome);
    }
  }

  String requestId;
  boolean requested;
  String subject;
  String accountId;
  String kind;
  List<Approval> approvals = new ArrayList<>();
  Grant grant;
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

  /** Whether the token with {@code fingerprint} is single-use: per its grant, else true (the gateway default). */
  boolean singleUse(String fingerprint) {
    if (grant != null && (fingerprint == null || fingerprint.equals(grant.tokenFingerprint()))) {
      return grant.singleUse();
    }
    return true;
  }

  /** When the grant ended early (expiry event or revocation), or null. */
  Long endedAt() {
    if (expiredAt == null) {
      return revokedAt;
    }
    return revokedAt == null ? expiredAt : Math.min(expiredAt, revokedAt);
  }

  /** Why the grant ended early, or null. */
  String endReason() {
    if (expiredAt != null && (revokedAt == null || expiredAt <= revokedAt)) {
      return "expiry:" + expiryReason;
    }
    return revokedAt == null ? null : "revoked";
  }
}
