package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;

/**
 * ROOT_LOGIN_FAILED (SPEC section 3), once per event: a root {@code ConsoleLogin} answered
 * {@code Failure} that no grant covers once its decision delay has passed (a covering grant arriving in
 * time suppresses it). It opens no session. Correlation {@code account:<id>}, the account's policy;
 * defined by the event.
 */
final class RootLoginFailedRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.ROOT_LOGIN_FAILED;
  }

  @Override
  public int rank() {
    return 30;
  }

  @Override
  public void onUncovered(AccountState s, Uncovered batch, AccountContext ctx) {
    for (AccountState.PendingRoot p : batch.events()) {
      if (!p.failedLogin) {
        continue;
      }
      AlertBuilder b = AlertBuilder.of(ctx.accountPolicy(), AlertType.ROOT_LOGIN_FAILED)
          .correlationId(s.correlation()).accountId(s.accountId).subject(p.subject)
          .defining(p.eventId).detectedAt(ctx.now()).eventTime(p.eventTime)
          .summary(String.format("A root console sign-in to account %s failed at %s%s with no covering break-glass "
              + "grant: someone is trying the root password.", s.accountId, Instant.ofEpochMilli(p.eventTime),
              p.sourceIp == null ? "" : " from " + p.sourceIp));
      ctx.raise(b, null);
    }
  }
}
