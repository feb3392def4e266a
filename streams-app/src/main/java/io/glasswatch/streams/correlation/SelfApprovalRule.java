package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;

/**
 * SELF_APPROVAL (SPEC section 3): an approval whose approver is the request's subject (trimmed,
 * case-insensitive). Decided once per approval; an approval seen before its request is judged when the
 * request arrives. Defined by the approval, the request event as evidence. Its revoke waits for a grant.
 */
final class SelfApprovalRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.SELF_APPROVAL;
  }

  @Override
  public int rank() {
    return 30;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    if (!s.requested) {
      return;
    }
    for (RequestState.Approval a : s.approvals) {
      if (s.decided.add(AlertType.SELF_APPROVAL + "|" + a.eventId()) && s.isSubject(a.approver())) {
        ctx.raise(AlertBuilder.of(ctx.policy(), AlertType.SELF_APPROVAL).defining(a.eventId())
            .evidence(RequestRules.requestEvidence(s)).eventTime(a.at())
            .summary(String.format("%s approved their own request %s as %s at %s.", a.approver(), s.requestId,
                a.role(), Instant.ofEpochMilli(a.at()))));
      }
    }
  }
}
