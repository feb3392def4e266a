package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;

/**
 * EMERGENCY_ROLE_WITHOUT_REQUEST (SPEC 1.6 and section 3): a successful CloudTrail {@code AssumeRole} of a
 * role on the account's {@code emergencyRoles} that no approved grant of the same subject covers
 * ({@link GrantSessions#covers}: {@code sourceIdentity}, else the role session name; window
 * {@code [grantedAt - skew, end + skew]}). Correlation is by event time: a grant arriving within
 * {@code decisionDelay} of event time after the call still covers it, so the decision waits until deadline time
 * reaches the call plus {@code decisionDelay} (at the end of a replay's input, at once). Once per
 * {@code AssumeRole}, defined by its {@code eventID}; correlation {@code account:<id>}; policy
 * {@code policy.resolve(accountId, null)}. Default action page. The assumption is kept {@code stateRetention}
 * after it for the record.
 */
final class EmergencyRoleWithoutRequestRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.EMERGENCY_ROLE_WITHOUT_REQUEST;
  }

  @Override
  public int rank() {
    return 145;
  }

  @Override
  public boolean evaluate(AccountState s, long now, AccountContext ctx) {
    Policy p = ctx.accountPolicy();
    long wait = ctx.lateInputWait(p);
    boolean changed = s.emergencyAssumes.values().removeIf(a -> a.decided && a.at + p.stateRetention().toMillis() < now);
    for (AccountState.EmergencyAssume a : s.emergencyAssumes.values()) {
      if (a.decided || a.at + wait > now) {
        continue;
      }
      a.decided = true;
      changed = true;
      if (a.coveredBy == null) {
        a.coveredBy = coveringRequest(s, a, ctx);
      }
      if (a.coveredBy != null) {
        continue;
      }
      ctx.raiseOnly(AlertBuilder.of(p, AlertType.EMERGENCY_ROLE_WITHOUT_REQUEST).defining(a.eventId).detectedAt(now)
          .eventTime(a.at).correlationId(s.correlation()).accountId(s.accountId).subject(a.subject)
          .summary(String.format("%s assumed the emergency role %s at %s (session %s%s) with no approved, unexpired "
              + "break-glass request of that subject covering it.", a.subject == null ? "Someone (no source identity "
                  + "or session name)" : a.subject, a.roleArn, Instant.ofEpochMilli(a.at), a.sessionName,
              a.accessKeyId == null ? "" : ", access key " + a.accessKeyId)));
    }
    return changed;
  }

  @Override
  public Long nextDue(AccountState s, AccountContext ctx) {
    Policy p = ctx.accountPolicy();
    Long due = null;
    for (AccountState.EmergencyAssume a : s.emergencyAssumes.values()) {
      long t = a.decided ? a.at + p.stateRetention().toMillis() : a.at + ctx.lateInputWait(p);
      due = due == null ? t : Math.min(due, t);
    }
    return due;
  }

  private static String coveringRequest(AccountState s, AccountState.EmergencyAssume a, AccountContext ctx) {
    for (AccountState.GrantView v : s.grants.values()) {
      if (GrantSessions.covers(v, a, ctx.policyOf(v).skew().toMillis())) {
        return v.fact.requestId();
      }
    }
    return null;
  }
}
