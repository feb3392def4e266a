package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.time.Instant;

/**
 * ROOT_ANTIPATTERN (SPEC section 3), once per root session and eventName: a successful root call to IAM
 * ({@code eventSource iam.amazonaws.com}; root use, or a console root call; calls other AWS services
 * invoke count for nothing, and a call to another service, such as S3 {@code PutBucketPolicy}, never
 * matches) whose eventName {@code policy.isRootAntipattern} matches, authorized or not, decided like the event itself. Covered:
 * correlation = the covering request (its policy), whose grant it revokes if still active; the session is
 * the request's. Uncovered: correlation = {@code account:<id>} (the account's policy), nothing to revoke
 * (UNAUTHORIZED_ROOT_USE revokes the account's grants); the session is the unauthorized session the event
 * belongs to, else the event alone. Defined by the first such call of the session; a repeat of the same
 * eventName in the session only goes to the timeline.
 */
final class RootAntipatternRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.ROOT_ANTIPATTERN;
  }

  @Override
  public int rank() {
    return 40;
  }

  @Override
  public void onCovered(AccountState s, AccountState.PendingRoot p, AccountState.GrantView g, AccountContext ctx) {
    Policy pol = ctx.policyOf(g);
    if (p.antipatternCandidate && pol.isRootAntipattern(p.action) && g.antipatterns.add(p.action)) {
      String requestId = g.fact.requestId();
      String subject = g.fact.subject() != null ? g.fact.subject() : p.subject;
      ctx.raise(alert(s, p, requestId, subject, pol, ctx.now()), requestId);
    }
  }

  @Override
  public void onUncovered(AccountState s, Uncovered batch, AccountContext ctx) {
    Policy acct = ctx.accountPolicy();
    for (AccountState.PendingRoot p : batch.events()) {
      if (!p.antipatternCandidate || !acct.isRootAntipattern(p.action)) {
        continue;
      }
      AccountState.RootSession session = s.sessionFor(p, acct.rootSessionGap().toMillis());
      if (session == null || session.antipatterns.add(p.action)) {
        ctx.raiseOnly(alert(s, p, null, p.subject, acct, ctx.now()));
      }
    }
  }

  private static AlertBuilder alert(AccountState s, AccountState.PendingRoot p, String requestId, String subject,
      Policy pol, long now) {
    String correlationId = requestId != null ? requestId : s.correlation();
    return AlertBuilder.of(pol, AlertType.ROOT_ANTIPATTERN)
        .correlationId(correlationId).requestId(requestId).accountId(s.accountId).subject(subject)
        .defining(p.eventId).detectedAt(now).eventTime(p.eventTime)
        .summary(String.format("The root user of account %s called %s at %s%s%s: root must not create users, "
            + "access keys, login profiles, roles or groups, or attach or put policies.", s.accountId, p.action,
            Instant.ofEpochMilli(p.eventTime), p.sourceIp == null ? "" : " from " + p.sourceIp,
            requestId == null ? " with no covering break-glass grant" : " under break-glass request " + requestId));
  }
}
