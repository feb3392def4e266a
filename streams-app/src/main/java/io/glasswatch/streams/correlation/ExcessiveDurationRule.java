package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;

/**
 * EXCESSIVE_DURATION (SPEC section 3): a grant whose {@code expiresAt - timestamp} exceeds
 * {@code maxGrantDuration}. Decided once per grant, when ready (see {@link RequestRules}); a grant
 * without {@code expiresAt} is not judged. Defined by the grant.
 *
 * <p>And in stage B (SPEC 1.6): an {@code AssumeRole} of an emergency role asking for a
 * {@code durationSeconds} above {@code maxGrantDuration} of the account's policy
 * ({@code policy.resolve(accountId, null)}), once per {@code AssumeRole}, defined by its {@code eventID},
 * when it is recorded; correlation the covering request, else {@code account:<id>}. An {@code AssumeRole}
 * without {@code durationSeconds} (the one-hour default) is not judged.
 */
final class ExcessiveDurationRule implements RequestRule, AccountRule {
  @Override
  public AlertType type() {
    return AlertType.EXCESSIVE_DURATION;
  }

  @Override
  public int rank() {
    return 72;
  }

  @Override
  public void onEmergencyAssume(AccountState s, AccountState.EmergencyAssume a, AccountContext ctx) {
    Policy p = ctx.accountPolicy();
    if (a.durationSeconds == null || a.durationSeconds * 1000 <= p.maxGrantDuration().toMillis()) {
      return;
    }
    ctx.raiseOnly(AlertBuilder.of(p, AlertType.EXCESSIVE_DURATION).defining(a.eventId).detectedAt(ctx.now())
        .eventTime(a.at).correlationId(a.coveredBy != null ? a.coveredBy : s.correlation()).requestId(a.coveredBy)
        .accountId(s.accountId).subject(a.subject)
        .summary(String.format("%s assumed the emergency role %s at %s asking for a session of %s, above the maximum %s.",
            a.subject, a.roleArn, Instant.ofEpochMilli(a.at), RequestRules.human(a.durationSeconds * 1000),
            RequestRules.human(p.maxGrantDuration().toMillis()))));
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    Policy p = ctx.policy();
    for (RequestState.Grant g : s.grants) {
      String key = AlertType.EXCESSIVE_DURATION + "|" + g.eventId();
      if (g.expiresAt() == null || s.decided.contains(key) || !ctx.ready(g.grantedAt())) {
        continue;
      }
      s.decided.add(key);
      long duration = g.expiresAt() - g.grantedAt();
      if (duration > p.maxGrantDuration().toMillis()) {
        ctx.raise(AlertBuilder.of(p, AlertType.EXCESSIVE_DURATION).defining(g.eventId()).eventTime(g.grantedAt())
            .summary(String.format("The grant of request %s at %s lasts %s (until %s), above the maximum %s.",
                s.requestId, Instant.ofEpochMilli(g.grantedAt()), RequestRules.human(duration),
                Instant.ofEpochMilli(g.expiresAt()), RequestRules.human(p.maxGrantDuration().toMillis()))));
      }
    }
  }
}
