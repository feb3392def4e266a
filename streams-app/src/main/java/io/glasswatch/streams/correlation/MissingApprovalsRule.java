package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * MISSING_APPROVALS (SPEC section 3): decided once per request when stream time reaches the checked
 * event's time + {@code decisionDelay} (gateway events may arrive out of order, so a late-delivered
 * earlier approval still counts): fires when some requirement (a required role, or one of the quorum's N
 * distinct approvers: SPEC 1.5, {@link RequestRules#requirements}) has no counting approval with event time
 * at or before the checked event's. The checked event is the request's earliest grant in event time, else
 * (no grant seen) its earliest usage of any outcome; an approval counts as {@link RequestRules} says (the
 * subject's own never). Defined by the checked event; evidence adds the approvals that counted. Its revoke
 * waits for a grant.
 */
final class MissingApprovalsRule implements RequestRule {
  /** Decision key in {@code RequestState.decided}. */
  static final String DECIDED = AlertType.MISSING_APPROVALS.name();

  @Override
  public AlertType type() {
    return AlertType.MISSING_APPROVALS;
  }

  @Override
  public int rank() {
    return 50;
  }

  /** The event MISSING_APPROVALS judges: its gateway event id, event time and what happened. */
  private record Checked(String eventId, long at, String what) {}

  /** The checked event, or null when the request has neither grant nor usage. */
  private static Checked checkedEvent(RequestState s) {
    RequestState.Grant g = s.grants.stream().min(Comparator.comparingLong(RequestState.Grant::grantedAt))
        .orElse(null);
    if (g != null) {
      return new Checked(g.eventId(), g.grantedAt(), "granted");
    }
    return s.usages.stream().min(Comparator.comparingLong((RequestState.Usage x) -> x.at))
        .map(u -> new Checked(u.eventId, u.at, "used without a grant seen")).orElse(null);
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    Policy p = ctx.policy();
    Checked checked = checkedEvent(s);
    if (s.decided.contains(DECIDED) || checked == null || !ctx.due(checked.at() + ctx.lateInputWait())) {
      return;
    }
    s.decided.add(DECIDED);
    long at = checked.at();
    Map<String, RequestState.Approval> first = RequestRules.firstByRole(s, p, at);
    List<String> missing = RequestRules.requirements(s, p).stream().filter(r -> !first.containsKey(r)).toList();
    if (missing.isEmpty()) {
      return;
    }
    boolean selfApproved = s.approvals.stream().anyMatch(a -> s.isSubject(a.approver()) && a.at() <= at
        && (p.approvalQuorumFor(s.source) != null || missing.stream().anyMatch(r -> RequestRules.rolesOf(s, p, a)
            .stream().anyMatch(x -> RequestState.normalize(r).equals(RequestState.normalize(x))))));
    ctx.raise(AlertBuilder.of(p, AlertType.MISSING_APPROVALS).defining(checked.eventId())
        .evidence(first.values().stream().map(RequestState.Approval::eventId).toList())
        .eventTime(at)
        .summary(String.format("Request %s was %s at %s before approvals from %s (approved by then: %s)%s.",
            s.requestId, checked.what(), Instant.ofEpochMilli(at), String.join(", ", missing),
            first.isEmpty() ? "none" : String.join(", ", first.keySet()),
            selfApproved ? "; the subject's own approval does not count" : "")));
  }
}
