package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;
import java.util.List;

/**
 * MISSING_AUDIT_RECORD (SPEC section 3), once per request: an authorized root session (root use covered
 * by a grant) with no break-glass root declaration of the account between {@code grantedAt - skew} and
 * the session's first root use + {@code decisionDelay}; a declaration naming the request
 * ({@code metadata.requestId}) counts whatever its time. Decided when deadline time reaches the first
 * root use + {@code decisionDelay}, with the request's policy. Correlation: the request; defined by the
 * grant event; evidence adds the first root use.
 */
final class MissingAuditRecordRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.MISSING_AUDIT_RECORD;
  }

  @Override
  public int rank() {
    return 60;
  }

  @Override
  public boolean evaluate(AccountState s, long now, AccountContext ctx) {
    boolean changed = false;
    for (AccountState.GrantView v : s.grants.values()) {
      Policy pol = ctx.policyOf(v);
      if (v.firstRootAt == null || v.auditDecided || now < v.firstRootAt + ctx.lateInputWait(pol)) {
        continue;
      }
      v.auditDecided = true;
      changed = true;
      String requestId = v.fact.requestId();
      long from = v.fact.grantedAt() - pol.skew().toMillis();
      long to = v.firstRootAt + pol.decisionDelay().toMillis();
      if (Declarations.covering(s, v, pol) != null) {
        continue;
      }
      AlertBuilder b = AlertBuilder.of(pol, AlertType.MISSING_AUDIT_RECORD)
          .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(v.fact.subject())
          .defining(v.grantEventId()).evidence(List.of(v.firstRootEventId)).detectedAt(now).eventTime(v.firstRootAt)
          .summary(String.format("The root user of account %s was used at %s under break-glass request %s, but no "
              + "break-glass root declaration was recorded between %s and %s.", s.accountId,
              Instant.ofEpochMilli(v.firstRootAt), requestId, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to)));
      ctx.raise(b, requestId);
    }
    return changed;
  }

  @Override
  public Long nextDue(AccountState s, AccountContext ctx) {
    Long due = null;
    for (AccountState.GrantView v : s.grants.values()) {
      if (v.firstRootAt != null && !v.auditDecided) {
        due = RequestLifecycle.earliest(due, v.firstRootAt + ctx.lateInputWait(ctx.policyOf(v)));
      }
    }
    return due;
  }
}
