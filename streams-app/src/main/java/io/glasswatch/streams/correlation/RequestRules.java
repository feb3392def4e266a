package io.glasswatch.streams.correlation;

import io.glasswatch.streams.detection.RuleCatalogue;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage A's rule set: every {@link RequestRule} of this package (TOKEN_REUSE, USAGE_AFTER_EXPIRY,
 * SELF_APPROVAL, WEAK_APPROVER_ASSURANCE, MISSING_APPROVALS, STALE_APPROVAL, EXCESSIVE_DURATION,
 * EXPIRY_EXTENDED, SCOPE_ESCALATION, DENIED_ATTEMPTS, GRANT_ERROR, GATEWAY_AUDIT_TAMPERED,
 * UNLISTED_BREAK_GLASS_PRINCIPAL, each stated in its class), found from the alert
 * catalogue by {@link RuleCatalogue} (no list to edit), in rank order, judged over one request's state by
 * {@link RequestCorrelator} after every event of the request and when one of its deadlines falls due.
 * Each rule uses the request's effective policy, {@code policy.resolve(accountId, tenant)} (account of the
 * request, else of the grant; tenant of the request). Times are event time; "now" is stream time.
 *
 * <p>Terms the rules share: the approval requirement (SPEC 1.5) is either the roles of
 * {@code requiredApproverRoles} or, when a quorum is in force ({@code sources.<source>.approvalQuorum} for
 * a request read from a break-glass system, default 1; else the top-level {@code approvalQuorum}), N
 * distinct approvers. An approval <em>counts</em> when its approver is not the request's subject (trimmed,
 * case-insensitive; while the request event is unknown nobody is known to be the subject) and, with
 * roles, one of its roles (its {@code approverRole}, else the roles the {@code approvers} roster gives
 * it) is required. <em>Ready</em>: a judgement that depends on the request (its policy) waits for the request
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
   * The approval requirements of {@code s} under {@code p}, in order: with a quorum in force
   * ({@link Policy#approvalQuorumFor}, by the request's source) {@code approver 1 .. approver N}; else the
   * policy's {@code requiredApproverRoles}.
   */
  static List<String> requirements(RequestState s, Policy p) {
    Integer quorum = p.approvalQuorumFor(s.source);
    if (quorum == null) {
      return p.requiredApproverRoles();
    }
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= quorum; i++) {
      names.add("approver " + i);
    }
    return names;
  }

  /**
   * The roles of approval {@code a}: its own {@code approverRole}, else the roles the policy's approver
   * roster gives its approver for the request's source (SPEC 1.5).
   */
  static List<String> rolesOf(RequestState s, Policy p, RequestState.Approval a) {
    return a.role() != null && !a.role().isBlank() ? List.of(a.role()) : p.rosterRoles(s.source, a.approver());
  }

  /**
   * The approvals of {@code s} that count (see class Javadoc): by someone other than the subject and, with
   * roles required, having one of them; in event-time order (arrival order among equal times).
   */
  static List<RequestState.Approval> counting(RequestState s, Policy p) {
    boolean quorum = p.approvalQuorumFor(s.source) != null;
    Set<String> required = new LinkedHashSet<>();
    p.requiredApproverRoles().forEach(r -> required.add(RequestState.normalize(r)));
    return s.approvals.stream()
        .filter(a -> !s.isSubject(a.approver()) && a.approver() != null && !a.approver().isBlank())
        .filter(a -> quorum || rolesOf(s, p, a).stream().anyMatch(r -> required.contains(RequestState.normalize(r))))
        .sorted(Comparator.comparingLong(RequestState.Approval::at))
        .toList();
  }

  /**
   * For each requirement of {@link #requirements}, the earliest counting approval at or before
   * {@code until} that satisfies it; requirements without one are absent. With roles: the earliest
   * approval having the role. With a quorum of N: the first N distinct approvers (trimmed,
   * case-insensitive), {@code approver i} the i-th. Keys in requirement order.
   */
  static Map<String, RequestState.Approval> firstByRole(RequestState s, Policy p, long until) {
    Map<String, RequestState.Approval> first = new LinkedHashMap<>();
    List<RequestState.Approval> counting = counting(s, p).stream().filter(a -> a.at() <= until).toList();
    if (p.approvalQuorumFor(s.source) != null) {
      Set<String> seen = new LinkedHashSet<>();
      List<String> names = requirements(s, p);
      for (RequestState.Approval a : counting) {
        if (seen.size() < names.size() && seen.add(RequestState.normalize(a.approver()))) {
          first.put(names.get(seen.size() - 1), a);
        }
      }
      return first;
    }
    for (String role : p.requiredApproverRoles()) {
      for (RequestState.Approval a : counting) {
        if (rolesOf(s, p, a).stream().anyMatch(r -> RequestState.normalize(role).equals(RequestState.normalize(r)))) {
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
