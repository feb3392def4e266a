package io.glasswatch.streams.correlation;

import io.glasswatch.streams.detection.RuleCatalogue;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage A's rule set: every {@link RequestRule} of this package (TOKEN_REUSE, USAGE_AFTER_EXPIRY,
 * SELF_APPROVAL, WEAK_APPROVER_ASSURANCE, MISSING_APPROVALS, STALE_APPROVAL, EXCESSIVE_DURATION,
 * EXPIRY_EXTENDED, SCOPE_ESCALATION, DENIED_ATTEMPTS, each stated in its class), found from the alert
 * catalogue by {@link RuleCatalogue} (no list to edit), in rank order, judged over one request's state by
 * {@link RequestCorrelator} after every event of the request and when one of its deadlines falls due.
 * Each rule uses the request's effective policy, {@code policy.resolve(accountId, tenant)} (account of the
 * request, else of the grant; tenant of the request). Times are event time; "now" is stream time.
 *
 * <p>Terms the rules share: an approval <em>counts</em> for a role when its {@code approverRole} is one
 * of {@code requiredApproverRoles} (trimmed, case-insensitive) and its approver is not the request's
 * subject (trimmed, case-insensitive; while the request event is unknown nobody is known to be the
 * subject). <em>Ready</em>: a judgement that depends on the request (its policy) waits for the request
 * event, but at most until stream time reaches the judged event's time + {@code decisionDelay}; it is
 * then made with what is known ({@link RequestContext#ready}).
 *
 * <p>Each alert a rule raises is incomplete (the correlator adds correlation, request, account, subject
 * and {@code detectedAt}); alert ids depend only on the type, request id and the defining ids each rule
 * names.
 */
final class RequestRules {
  /** The rules, in rank order. */
  static final List<RequestRule> ALL =
      RuleCatalogue.load(RequestRules.class.getPackageName(), RequestRule.class, RequestRule::type, RequestRule::rank);

  private RequestRules() {}

  /** Judges every rule over {@code s}, in rank order. */
  static void judge(RequestState s, RequestContext ctx) {
    for (RequestRule r : ALL) {
      r.evaluate(s, ctx);
    }
  }

  /**
   * The approvals of {@code s} that count for a required role of {@code p} (see class Javadoc), in
   * event-time order (arrival order among equal times).
   */
  static List<RequestState.Approval> counting(RequestState s, Policy p) {
    Set<String> required = new LinkedHashSet<>();
    p.requiredApproverRoles().forEach(r -> required.add(RequestState.normalize(r)));
    return s.approvals.stream()
        .filter(a -> required.contains(RequestState.normalize(a.role())) && !s.isSubject(a.approver()))
        .sorted(Comparator.comparingLong(RequestState.Approval::at))
        .toList();
  }

  /**
   * For each required role of {@code p}, the earliest counting approval at or before {@code until};
   * roles without one are absent. Keys are the policy's role names, in policy order.
   */
  static Map<String, RequestState.Approval> firstByRole(RequestState s, Policy p, long until) {
    Map<String, RequestState.Approval> first = new LinkedHashMap<>();
    for (String role : p.requiredApproverRoles()) {
      for (RequestState.Approval a : counting(s, p)) {
        if (a.at() <= until && RequestState.normalize(role).equals(RequestState.normalize(a.role()))) {
          first.put(role, a);
          break;
        }
      }
    }
    return first;
  }

  /** The request event's id as evidence: one id, or none while the request event is unknown. */
  static List<String> requestEvidence(RequestState s) {
    return s.requestEventId == null ? List.of() : List.of(s.requestEventId);
  }

  /** "90 min", "45 s" or an ISO-8601 duration for odd values. */
  static String human(long millis) {
    if (millis % 60_000 == 0) {
      return (millis / 60_000) + " min";
    }
    if (millis % 1000 == 0) {
      return (millis / 1000) + " s";
    }
    return Duration.ofMillis(millis).toString();
  }
}
