package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;

/**
 * SESSION_OUTLIVED_GRANT (SPEC 1.6 and section 3): a CloudTrail record of a grant's AWS session
 * ({@link GrantSessions}) whose event time is after the grant's end (the earlier of {@code expiresAt}, an
 * expiry event and a revocation) plus {@code skew}: the temporary credentials still work, because ending an
 * IAM Identity Center assignment or a request does not end the role sessions already issued. A record at the
 * end plus {@code skew} exactly, or before, does not fire. Once per grant and session (access key id, else
 * role and session name), defined by the first such record; evidence that record. Correlation: the request;
 * policy {@code policy.resolve(accountId, tenant)}. The summary names the last allowed time and the call.
 * Default action page (no revoke: the grant has ended; the sweeper is told separately when an
 * {@code AssumeRoleWithSAML} after the end shows the assignment is still there).
 */
final class SessionOutlivedGrantRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.SESSION_OUTLIVED_GRANT;
  }

  @Override
  public int rank() {
    return 140;
  }

  @Override
  public void onSessionCall(AccountState s, SessionCall call, AccountState.GrantView g, AccountContext ctx) {
    Long end = g.end();
    Policy p = ctx.policyOf(g);
    if (end == null) {
      return;
    }
    long lastAllowed = end + p.skew().toMillis();
    if (call.at() <= lastAllowed || !g.outlivedSessions.add(call.session())) {
      return;
    }
    String requestId = g.fact.requestId();
    ctx.raise(AlertBuilder.of(p, AlertType.SESSION_OUTLIVED_GRANT).defining(call.eventId()).detectedAt(ctx.now())
        .eventTime(call.at()).correlationId(requestId).requestId(requestId).accountId(s.accountId)
        .tenant(g.tenant).subject(g.fact.subject())
        .summary(String.format("The AWS session %s%s of request %s called %s (%s) at %s, after the grant ended at %s "
            + "(last allowed time with skew: %s): the credentials still work.", call.roleName() == null ? ""
                : call.roleName() + "/", call.sessionName() == null ? call.session() : call.sessionName(), requestId,
            call.action(), call.eventId(), Instant.ofEpochMilli(call.at()), Instant.ofEpochMilli(end),
            Instant.ofEpochMilli(lastAllowed))), requestId);
  }
}
