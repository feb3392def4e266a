package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * SESSION_OVERRUN (SPEC section 3), once per authorized session: root use under a grant later than
 * declaration time + {@code expected_session_duration_minutes} of the declaration covering the session:
 * the one naming the request (the latest of those), else the latest declaration of the account in
 * {@code [grantedAt - skew, first root use]}, else the earliest in {@code (first root use, first root
 * use + decisionDelay]}. Decided when deadline time reaches the first overrunning root use +
 * {@code decisionDelay} (a late declaration naming the request may still arrive), with the declarations
 * known then and the request's policy; defined by that root use, the declaration as evidence.
 * Unauthorized sessions have no grant window and are left to UNAUTHORIZED_ROOT_USE.
 */
final class SessionOverrunRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.SESSION_OVERRUN;
  }

  @Override
  public int rank() {
    return 70;
  }

  @Override
  public boolean evaluate(AccountState s, long now, AccountContext ctx) {
    boolean changed = false;
    for (AccountState.GrantView v : s.grants.values()) {
      if (v.firstRootAt == null || v.overrunAlerted) {
        continue;
      }
      Policy pol = ctx.policyOf(v);
      Overrun o = overrun(s, v, pol);
      if (o == null || now < o.at() + ctx.lateInputWait(pol)) {
        continue;
      }
      AccountState.Declaration d = o.declaration();
      v.overrunAlerted = true;
      changed = true;
      String requestId = v.fact.requestId();
      AlertBuilder b = AlertBuilder.of(pol, AlertType.SESSION_OVERRUN)
          .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(v.fact.subject())
          .defining(o.eventId()).evidence(List.of(d.eventId())).detectedAt(now).eventTime(o.at())
          .summary(String.format("The root user of account %s was still used at %s under break-glass request %s, "
              + "after the %d minutes declared at %s ended at %s.", s.accountId, Instant.ofEpochMilli(o.at()),
              requestId, d.expectedMinutes(), Instant.ofEpochMilli(d.at()), Instant.ofEpochMilli(o.declaredEnd())));
      ctx.raise(b, requestId);
    }
    return changed;
  }

  @Override
  public Long nextDue(AccountState s, AccountContext ctx) {
    Long due = null;
    for (AccountState.GrantView v : s.grants.values()) {
      if (v.firstRootAt != null && !v.overrunAlerted) {
        Policy pol = ctx.policyOf(v);
        Overrun o = overrun(s, v, pol);
        if (o != null) {
          due = RequestLifecycle.earliest(due, o.at() + ctx.lateInputWait(pol));
        }
      }
    }
    return due;
  }

  /** The first root use of a session past its declared end. */
  private record Overrun(AccountState.Declaration declaration, long declaredEnd, String eventId, long at) {}

  /** The first root use of the authorized session of {@code v} past its declared end, or null. */
  private static Overrun overrun(AccountState s, AccountState.GrantView v, Policy pol) {
    AccountState.Declaration d = Declarations.covering(s, v, pol);
    if (d == null || d.expectedMinutes() == null) {
      return null;
    }
    long declaredEnd = d.at() + Duration.ofMinutes(d.expectedMinutes()).toMillis();
    String overrunId = null;
    long overrunAt = Long.MAX_VALUE;
    for (Map.Entry<String, Long> use : v.useTimes.entrySet()) {
      if (use.getValue() > declaredEnd && use.getValue() < overrunAt) {
        overrunId = use.getKey();
        overrunAt = use.getValue();
      }
    }
    if (overrunId == null && v.lastRootAt > declaredEnd) {
      overrunId = v.lastRootEventId;
      overrunAt = v.lastRootAt;
    }
    return overrunId == null ? null : new Overrun(d, declaredEnd, overrunId, overrunAt);
  }
}
