package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * STALE_APPROVAL (SPEC section 3): decided once per grant at its time + {@code decisionDelay}: fires when
 * the grant time minus the time of the oldest counting approval at or before it exceeds
 * {@code approvalMaxAge}. No counting approval: nothing (MISSING_APPROVALS covers it). Defined by the
 * grant, the oldest approval as evidence.
 */
final class StaleApprovalRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.STALE_APPROVAL;
  }

  @Override
  public int rank() {
    return 60;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    Policy p = ctx.policy();
    for (RequestState.Grant g : s.grants) {
      String key = AlertType.STALE_APPROVAL + "|" + g.eventId();
      if (s.decided.contains(key) || !ctx.due(g.grantedAt() + ctx.lateInputWait())) {
        continue;
      }
      s.decided.add(key);
      RequestState.Approval oldest = RequestRules.firstByRole(s, p, g.grantedAt()).values().stream()
          .min(Comparator.comparingLong(RequestState.Approval::at)).orElse(null);
      if (oldest == null) {
        continue;
      }
      long age = g.grantedAt() - oldest.at();
      if (age > p.approvalMaxAge().toMillis()) {
        ctx.raise(AlertBuilder.of(p, AlertType.STALE_APPROVAL).defining(g.eventId()).evidence(List.of(oldest.eventId()))
            .eventTime(g.grantedAt())
            .summary(String.format("Request %s was granted at %s, %s after its oldest required approval (%s by %s"
                + " at %s); the maximum is %s.", s.requestId, Instant.ofEpochMilli(g.grantedAt()),
                RequestRules.human(age), oldest.role(), oldest.approver(), Instant.ofEpochMilli(oldest.at()),
                RequestRules.human(p.approvalMaxAge().toMillis()))));
      }
    }
  }
}
