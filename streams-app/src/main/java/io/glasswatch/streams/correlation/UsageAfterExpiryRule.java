package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;
import java.util.List;

/**
 * USAGE_AFTER_EXPIRY (SPEC section 3): a usage with outcome {@code allow} at or after the grant's
 * {@code expiresAt}, at or after an expiry event, or after a revocation. A revocation is known from a
 * revoke result CONFIRMED or ALREADY_ABSENT (at the command's {@code commandIssuedAt}) or from a revoke
 * command stage A issued (at its {@code issuedAt}). The earliest of these causes is named. Once per usage
 * event, defined by the usage id, the cause as evidence. Events may arrive in any order: every change of
 * the grant's end re-examines the usages already seen. Revokes at once.
 */
final class UsageAfterExpiryRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.USAGE_AFTER_EXPIRY;
  }

  @Override
  public int rank() {
    return 20;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    for (RequestState.Usage u : s.usages) {
      if (!u.allowed() || u.expiryAlerted) {
        continue;
      }
      String causeId = null;
      String cause = null;
      long causeAt = Long.MAX_VALUE;
      if (s.grant != null && s.grant.expiresAt() != null && u.at >= s.grant.expiresAt()) {
        causeId = s.grant.eventId();
        cause = "the grant's expiry";
        causeAt = s.grant.expiresAt();
      }
      if (s.expiredAt != null && u.at >= s.expiredAt && s.expiredAt < causeAt) {
        causeId = s.expiryEventId;
        cause = "the expiry event (" + s.expiryReason + ")";
        causeAt = s.expiredAt;
      }
      if (s.revokedAt != null && u.at > s.revokedAt && s.revokedAt < causeAt) {
        causeId = s.revokedBy;
        cause = "its revocation";
        causeAt = s.revokedAt;
      }
      if (causeId == null) {
        continue;
      }
      u.expiryAlerted = true;
      ctx.raiseRevokingAtOnce(AlertBuilder.of(ctx.policy(), AlertType.USAGE_AFTER_EXPIRY)
          .defining(u.eventId)
          .evidence(List.of(causeId))
          .eventTime(u.at)
          .summary(String.format("The grant of request %s was used with outcome allow at %s, after %s at %s.",
              s.requestId, Instant.ofEpochMilli(u.at), cause, Instant.ofEpochMilli(causeAt))));
    }
  }
}
