package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;

/**
 * EXCESSIVE_DURATION (SPEC section 3): a grant whose {@code expiresAt - timestamp} exceeds
 * {@code maxGrantDuration}. Decided once per grant, when ready (see {@link RequestRules}); a grant
 * without {@code expiresAt} is not judged. Defined by the grant.
 */
final class ExcessiveDurationRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.EXCESSIVE_DURATION;
  }

  @Override
  public int rank() {
    return 70;
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
