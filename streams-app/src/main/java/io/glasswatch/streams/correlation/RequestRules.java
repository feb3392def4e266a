package io.glasswatch.streams.correlation;

import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.policy.Policy;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Stage A's approval, grant and usage rules (SPEC section 3), judged over one request's state by
 * {@link RequestCorrelator} after every event of the request and when one of its deadlines falls due.
 * Each rule uses the request's effective policy, {@code policy.resolve(accountId, tenant)} (account of
 * the request, else of the grant; tenant of the request). Times are event time; "now" is the stream
 * time the correlator passes in.
 *
 * <p>Terms: an approval <em>counts</em> for a role when its {@code approverRole} is one of
 * {@code requiredApproverRoles} (trimmed, case-insensitive) and its approver is not the request's
 * subject (trimmed, case-insensitive; while the request event is unknown nobody is known to be the
 * subject). The <em>checked event</em> of a request is its earliest grant in event time, else (no
 * grant seen) its earliest usage of any outcome. <em>Ready</em>: a judgement that depends on the
 * request (its policy) waits for the request event, but at most until stream time reaches the judged
 * event's time + {@code decisionDelay}; it is then made with what is known.
 *
 * <ul>
 *   <li>SELF_APPROVAL: an approval whose approver is the subject. Decided once per approval; an
 *       approval seen before its request is judged when the request arrives.
 *   <li>WEAK_APPROVER_ASSURANCE: an approval whose {@code approverAcr} is weak
 *       ({@link Policy#isWeakAcr}). Decided once per approval, when ready.
 *   <li>MISSING_APPROVALS: decided once per request when stream time reaches the checked event's time
 *       + {@code decisionDelay} (gateway events may arrive out of order): fires when some required role
 *       has no counting approval with event time at or before the checked event's. Defined by the
 *       checked event; evidence adds the approvals that counted.
 *   <li>STALE_APPROVAL: decided once per grant at its time + {@code decisionDelay}: fires when the grant
 *       time minus the time of the oldest counting approval at or before it exceeds
 *       {@code approvalMaxAge}. No counting approval: nothing (MISSING_APPROVALS covers it).
 *   <li>EXCESSIVE_DURATION: a grant whose {@code expiresAt - timestamp} exceeds
 *       {@code maxGrantDuration}. Decided once per grant, when ready; a grant without
 *       {@code expiresAt} is not judged.
 *   <li>EXPIRY_EXTENDED: every grant event of the request but its earliest (event time, then arrival;
 *       re-deliveries never reach this stage) is a second grant, and the summary says when it gives the
 *       same token a later {@code expiresAt}. Once per offending grant, when ready; defined by the
 *       offending grant, with the first grant as evidence.
 *   <li>SCOPE_ESCALATION: a usage (any outcome) naming a scope that is not in the request's scope
 *       (exact match; the request's default is {@code ["break_glass:elevated"]}; a usage naming no scope
 *       claims none), or naming a tenant (trimmed, case-insensitive) other than the request's, the
 *       request naming none included. Decided once per usage, once the request is known.
 *   <li>DENIED_ATTEMPTS: the request's denied usages in event-time order; a denial whose window
 *       {@code (t - deniedWindow, t]} holds at least {@code deniedThreshold} denials starts a burst
 *       unless the previous denial's window already did; a window below the threshold re-arms. One
 *       alert per burst, defined by the denials in the window of the denial that reached the threshold,
 *       when ready.
 * </ul>
 *
 * <p>Each returned alert is incomplete (the correlator adds correlation, request, account, subject and
 * {@code detectedAt}); alert ids depend only on the type, request id and the defining ids above.
 */
final class RequestRules {
  /** Decision key of MISSING_APPROVALS in {@code RequestState.decided}. */
  static final String MISSING = AlertType.MISSING_APPROVALS.name();

  /**
   * What a judgement found.
   *
   * @param alerts alerts to raise, in rule order
   * @param wakeAt the earliest stream time at which a pending decision falls due, or
   *     {@link Long#MAX_VALUE} when none is pending
   */
  record Judgement(List<AlertBuilder> alerts, long wakeAt) {}

  private final Policy policy;

  /** Rules applying {@code policy} and its overrides. */
  RequestRules(Policy policy) {
    this.policy = Objects.requireNonNull(policy, "policy");
  }

  /** The effective policy of the request: {@code policy.resolve(account, tenant)}. */
  Policy policyOf(RequestState s) {
    return policy.resolve(s.account(), s.tenant);
  }

  /**
   * Judges every rule over {@code s} at stream time {@code now}, recording decisions taken once in
   * {@code s.decided}.
   */
  Judgement judge(RequestState s, long now) {
    Run run = new Run(s, policyOf(s), now);
    run.selfApproval();
    run.weakApprover();
    run.missingApprovals();
    run.staleApproval();
    run.excessiveDuration();
    run.expiryExtended();
    run.scopeEscalation();
    run.deniedAttempts();
    return new Judgement(List.copyOf(run.alerts), run.wakeAt);
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

  /** The event MISSING_APPROVALS judges: its gateway event id, event time and what happened. */
  private record Checked(String eventId, long at, String what) {}

  /** One judgement's working set. */
  private static final class Run {
    private final RequestState s;
    private final Policy p;
    private final long now;
    private final List<AlertBuilder> alerts = new ArrayList<>();
    private long wakeAt = Long.MAX_VALUE;

    Run(RequestState s, Policy p, long now) {
      this.s = s;
      this.p = p;
      this.now = now;
    }

    private boolean ready(long at) {
      return s.requested || due(at + p.decisionDelay().toMillis());
    }

    private boolean due(long dueAt) {
      if (now >= dueAt) {
        return true;
      }
      wakeAt = Math.min(wakeAt, dueAt);
      return false;
    }

    private AlertBuilder alert(AlertType type) {
      AlertBuilder b = AlertBuilder.of(p, type);
      alerts.add(b);
      return b;
    }

    private List<String> requestEvidence() {
      return s.requestEventId == null ? List.of() : List.of(s.requestEventId);
    }

    void selfApproval() {
      if (!s.requested) {
        return;
      }
      for (RequestState.Approval a : s.approvals) {
        if (s.decided.add(AlertType.SELF_APPROVAL + "|" + a.eventId()) && s.isSubject(a.approver())) {
          alert(AlertType.SELF_APPROVAL).defining(a.eventId()).evidence(requestEvidence()).eventTime(a.at())
              .summary(String.format("%s approved their own request %s as %s at %s.", a.approver(), s.requestId,
                  a.role(), Instant.ofEpochMilli(a.at())));
        }
      }
    }

    void weakApprover() {
      for (RequestState.Approval a : s.approvals) {
        String key = AlertType.WEAK_APPROVER_ASSURANCE + "|" + a.eventId();
        if (s.decided.contains(key) || !ready(a.at())) {
          continue;
        }
        s.decided.add(key);
        if (p.isWeakAcr(a.acr())) {
          alert(AlertType.WEAK_APPROVER_ASSURANCE).defining(a.eventId()).eventTime(a.at())
              .summary(String.format("%s approved request %s as %s with assurance %s, below the minimum %s.",
                  a.approver(), s.requestId, a.role(), a.acr() == null ? "(none)" : a.acr(), p.minApproverAcr()));
        }
      }
    }

    /** The checked event (see class Javadoc), or null when the request has neither grant nor usage. */
    private Checked checkedEvent() {
      RequestState.Grant g = s.grants.stream().min(Comparator.comparingLong(RequestState.Grant::grantedAt))
          .orElse(null);
      if (g != null) {
        return new Checked(g.eventId(), g.grantedAt(), "granted");
      }
      return s.usages.stream().min(Comparator.comparingLong((RequestState.Usage x) -> x.at))
          .map(u -> new Checked(u.eventId, u.at, "used without a grant seen")).orElse(null);
    }

    void missingApprovals() {
      Checked checked = checkedEvent();
      if (s.decided.contains(MISSING) || checked == null || !due(checked.at() + p.decisionDelay().toMillis())) {
        return;
      }
      s.decided.add(MISSING);
      long at = checked.at();
      Map<String, RequestState.Approval> first = firstByRole(s, p, at);
      List<String> missing = p.requiredApproverRoles().stream().filter(r -> !first.containsKey(r)).toList();
      if (missing.isEmpty()) {
        return;
      }
      boolean selfApproved = s.approvals.stream().anyMatch(a -> s.isSubject(a.approver()) && a.at() <= at
          && missing.stream().anyMatch(r -> RequestState.normalize(r).equals(RequestState.normalize(a.role()))));
      alert(AlertType.MISSING_APPROVALS).defining(checked.eventId())
          .evidence(first.values().stream().map(RequestState.Approval::eventId).toList())
          .eventTime(at)
          .summary(String.format("Request %s was %s at %s before approvals from %s (approved by then: %s)%s.",
              s.requestId, checked.what(), Instant.ofEpochMilli(at), String.join(", ", missing),
              first.isEmpty() ? "none" : String.join(", ", first.keySet()),
              selfApproved ? "; the subject's own approval does not count" : ""));
    }

    void staleApproval() {
      for (RequestState.Grant g : s.grants) {
        String key = AlertType.STALE_APPROVAL + "|" + g.eventId();
        if (s.decided.contains(key) || !due(g.grantedAt() + p.decisionDelay().toMillis())) {
          continue;
        }
        s.decided.add(key);
        RequestState.Approval oldest = firstByRole(s, p, g.grantedAt()).values().stream()
            .min(Comparator.comparingLong(RequestState.Approval::at)).orElse(null);
        if (oldest == null) {
          continue;
        }
        long age = g.grantedAt() - oldest.at();
        if (age > p.approvalMaxAge().toMillis()) {
          alert(AlertType.STALE_APPROVAL).defining(g.eventId()).evidence(List.of(oldest.eventId()))
              .eventTime(g.grantedAt())
              .summary(String.format("Request %s was granted at %s, %s after its oldest required approval (%s by %s"
                  + " at %s); the maximum is %s.", s.requestId, Instant.ofEpochMilli(g.grantedAt()), human(age),
                  oldest.role(), oldest.approver(), Instant.ofEpochMilli(oldest.at()),
                  human(p.approvalMaxAge().toMillis())));
        }
      }
    }

    void excessiveDuration() {
      for (RequestState.Grant g : s.grants) {
        String key = AlertType.EXCESSIVE_DURATION + "|" + g.eventId();
        if (g.expiresAt() == null || s.decided.contains(key) || !ready(g.grantedAt())) {
          continue;
        }
        s.decided.add(key);
        long duration = g.expiresAt() - g.grantedAt();
        if (duration > p.maxGrantDuration().toMillis()) {
          alert(AlertType.EXCESSIVE_DURATION).defining(g.eventId()).eventTime(g.grantedAt())
              .summary(String.format("The grant of request %s at %s lasts %s (until %s), above the maximum %s.",
                  s.requestId, Instant.ofEpochMilli(g.grantedAt()), human(duration),
                  Instant.ofEpochMilli(g.expiresAt()), human(p.maxGrantDuration().toMillis())));
        }
      }
    }

    void expiryExtended() {
      if (s.grants.size() < 2) {
        return;
      }
      RequestState.Grant first = s.grants.stream().min(Comparator.comparingLong(RequestState.Grant::grantedAt))
          .orElseThrow();
      for (RequestState.Grant g : s.grants) {
        if (g == first || !ready(g.grantedAt())) {
          continue;
        }
        RequestState.Grant extended = s.grants.stream()
            .filter(o -> o != g && o.grantedAt() <= g.grantedAt() && o.tokenFingerprint() != null
                && o.tokenFingerprint().equals(g.tokenFingerprint()) && o.expiresAt() != null
                && g.expiresAt() != null && g.expiresAt() > o.expiresAt())
            .findFirst().orElse(null);
        String summary = extended != null
            ? String.format("Grant %s of request %s at %s extends token %s from %s to %s.", g.eventId(), s.requestId,
                Instant.ofEpochMilli(g.grantedAt()), TimelineDrafts.shortFingerprint(g.tokenFingerprint()),
                Instant.ofEpochMilli(extended.expiresAt()), Instant.ofEpochMilli(g.expiresAt()))
            : String.format("Request %s received a second grant %s at %s (until %s) after its grant %s at %s.",
                s.requestId, g.eventId(), Instant.ofEpochMilli(g.grantedAt()),
                g.expiresAt() == null ? "no expiry" : Instant.ofEpochMilli(g.expiresAt()), first.eventId(),
                Instant.ofEpochMilli(first.grantedAt()));
        alert(AlertType.EXPIRY_EXTENDED).defining(g.eventId())
            .evidence(List.of(extended != null ? extended.eventId() : first.eventId()))
            .eventTime(g.grantedAt()).summary(summary);
      }
    }

    void scopeEscalation() {
      if (!s.requested) {
        return;
      }
      List<String> allowed = s.scope == null ? List.of() : s.scope;
      for (RequestState.Usage u : s.usages) {
        if (!s.decided.add(AlertType.SCOPE_ESCALATION + "|" + u.eventId)) {
          continue;
        }
        List<String> outside = u.scope == null ? List.of()
            : u.scope.stream().filter(x -> !allowed.contains(x)).distinct().toList();
        String usageTenant = u.tenant == null || u.tenant.isBlank() ? null : u.tenant.trim();
        boolean otherTenant = usageTenant != null
            && (s.tenant == null || !usageTenant.equalsIgnoreCase(s.tenant.trim()));
        if (outside.isEmpty() && !otherTenant) {
          continue;
        }
        List<String> what = new ArrayList<>();
        if (!outside.isEmpty()) {
          what.add("scope " + outside + " outside the request's scope " + allowed);
        }
        if (otherTenant) {
          what.add("tenant " + usageTenant + (s.tenant == null ? " while the request named no tenant"
              : " while the request is for tenant " + s.tenant));
        }
        alert(AlertType.SCOPE_ESCALATION).defining(u.eventId).evidence(requestEvidence()).eventTime(u.at)
            .summary(String.format("The grant of request %s was used at %s (%s) with %s.", s.requestId,
                Instant.ofEpochMilli(u.at), u.outcome, String.join(" and ", what)));
      }
    }

    void deniedAttempts() {
      List<RequestState.Usage> denials = s.usages.stream().filter(RequestState.Usage::denied)
          .sorted(Comparator.comparingLong((RequestState.Usage u) -> u.at)).toList();
      long window = p.deniedWindow().toMillis();
      boolean armed = true;
      int start = 0;
      for (int i = 0; i < denials.size(); i++) {
        RequestState.Usage d = denials.get(i);
        while (denials.get(start).at <= d.at - window) {
          start++;
        }
        List<RequestState.Usage> inWindow = denials.subList(start, i + 1);
        if (inWindow.size() < p.deniedThreshold()) {
          armed = true;
          continue;
        }
        if (!armed) {
          continue;
        }
        armed = false;
        if (!ready(d.at)) {
          continue;
        }
        alert(AlertType.DENIED_ATTEMPTS)
            .defining(inWindow.stream().map(u -> u.eventId).toArray(String[]::new))
            .eventTime(d.at)
            .summary(String.format("%d usages of request %s were denied within %s (%s to %s).", inWindow.size(),
                s.requestId, human(window), Instant.ofEpochMilli(inWindow.get(0).at), Instant.ofEpochMilli(d.at)));
      }
    }
  }
}
