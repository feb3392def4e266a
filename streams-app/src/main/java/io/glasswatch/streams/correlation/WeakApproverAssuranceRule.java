package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;

/**
 * WEAK_APPROVER_ASSURANCE (SPEC section 3): an approval whose {@code approverAcr} is weak
 * ({@link Policy#isWeakAcr}: below {@code minApproverAcr}, or absent). The assurance is what the source
 * asserts (SPEC 1.4, 1.5): the approval's own {@code approverAcr}, else
 * {@code sources.<source>.approverAcr} ({@link Policy#approverAcrFor}) for a request read from a break-glass
 * system (default {@code loa2} for both sources). Decided once per approval, when
 * ready (see {@link RequestRules}). Defined by the approval.
 */
final class WeakApproverAssuranceRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.WEAK_APPROVER_ASSURANCE;
  }

  @Override
  public int rank() {
    return 40;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    Policy p = ctx.policy();
    for (RequestState.Approval a : s.approvals) {
      String key = AlertType.WEAK_APPROVER_ASSURANCE + "|" + a.eventId();
      if (s.decided.contains(key) || !ctx.ready(a.at())) {
        continue;
      }
      s.decided.add(key);
      String acr = p.approverAcrFor(s.source, a.acr());
      if (p.isWeakAcr(acr)) {
        ctx.raise(AlertBuilder.of(p, AlertType.WEAK_APPROVER_ASSURANCE).defining(a.eventId()).eventTime(a.at())
            .summary(String.format("%s approved request %s as %s with assurance %s, below the minimum %s.",
                a.approver(), s.requestId, a.role(), acr == null ? "(none)" : acr, p.minApproverAcr())));
      }
    }
  }
}
