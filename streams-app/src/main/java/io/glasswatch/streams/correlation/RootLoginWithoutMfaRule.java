package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;

/**
 * ROOT_LOGIN_WITHOUT_MFA (SPEC section 3): a successful root {@code ConsoleLogin} with {@code MFAUsed}
 * other than {@code Yes}, authorized or not, decided like the event itself: filed under the covering
 * request (its policy) when a grant covers it, else under {@code account:<id>} (the account's policy)
 * once its decision delay passed. Defined by the event. Revokes, when the policy says so, the covering
 * request's grant, or every active grant of the account when uncovered.
 */
final class RootLoginWithoutMfaRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.ROOT_LOGIN_WITHOUT_MFA;
  }

  @Override
  public int rank() {
    return 20;
  }

  @Override
  public void onCovered(AccountState s, AccountState.PendingRoot p, AccountState.GrantView g, AccountContext ctx) {
    if (p.loginWithoutMfa) {
      String subject = g.fact.subject() != null ? g.fact.subject() : p.subject;
      raise(s, p, g.fact.requestId(), subject, ctx.policyOf(g), ctx);
    }
  }

  @Override
  public void onUncovered(AccountState s, Uncovered batch, AccountContext ctx) {
    for (AccountState.PendingRoot p : batch.events()) {
      if (p.loginWithoutMfa) {
        raise(s, p, null, p.subject, ctx.accountPolicy(), ctx);
      }
    }
  }

  private static void raise(AccountState s, AccountState.PendingRoot p, String requestId, String subject,
      Policy pol, AccountContext ctx) {
    String correlationId = requestId != null ? requestId : s.correlation();
    AlertBuilder b = AlertBuilder.of(pol, AlertType.ROOT_LOGIN_WITHOUT_MFA)
        .correlationId(correlationId).requestId(requestId).accountId(s.accountId).subject(subject)
        .defining(p.eventId).detectedAt(ctx.now()).eventTime(p.eventTime)
        .summary(String.format("The root user signed in to the console of account %s at %s%s without MFA%s.",
            s.accountId, Instant.ofEpochMilli(p.eventTime), p.sourceIp == null ? "" : " from " + p.sourceIp,
            requestId == null ? " and without a covering break-glass grant" : " under break-glass request " + requestId));
    ctx.raise(b, requestId);
  }
}
