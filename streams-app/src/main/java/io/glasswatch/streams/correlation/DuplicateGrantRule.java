package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;
import java.util.List;

/**
 * DUPLICATE_GRANT (SPEC section 3), once per new grant: a grant fact while the same subject already
 * holds a grant of another request on the account that is active at the new grant's time (granted, not
 * expired, not ended, not revoked). Of two grants of the same time the one of the greater request id is
 * the new one. Correlation: the new request (its policy); defined by its grant event; the held grant's
 * event is evidence. Decided when the facts arrive (either order), with the ends known then.
 */
final class DuplicateGrantRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.DUPLICATE_GRANT;
  }

  @Override
  public int rank() {
    return 80;
  }

  @Override
  public void onGrant(AccountState s, AccountState.GrantView v, AccountContext ctx) {
    String subject = v.fact.subject();
    if (subject == null) {
      return;
    }
    for (AccountState.GrantView other : List.copyOf(s.grants.values())) {
      if (other == v || !subject.equals(other.fact.subject())) {
        continue;
      }
      if (earlier(other, v) && other.activeAt(v.fact.grantedAt())) {
        raise(s, v, other, ctx);
      } else if (earlier(v, other) && v.activeAt(other.fact.grantedAt())) {
        raise(s, other, v, ctx);
      }
    }
  }

  private static boolean earlier(AccountState.GrantView a, AccountState.GrantView b) {
    return a.fact.grantedAt() < b.fact.grantedAt()
        || a.fact.grantedAt() == b.fact.grantedAt() && a.fact.requestId().compareTo(b.fact.requestId()) < 0;
  }

  private static void raise(AccountState s, AccountState.GrantView dup, AccountState.GrantView held,
      AccountContext ctx) {
    if (dup.duplicateAlerted) {
      return;
    }
    dup.duplicateAlerted = true;
    String requestId = dup.fact.requestId();
    Long heldEnd = held.end();
    AlertBuilder b = AlertBuilder.of(ctx.policyOf(dup), AlertType.DUPLICATE_GRANT)
        .correlationId(requestId).requestId(requestId).accountId(s.accountId).subject(dup.fact.subject())
        .defining(dup.grantEventId()).evidence(List.of(held.grantEventId())).detectedAt(ctx.now())
        .eventTime(dup.fact.grantedAt())
        .summary(String.format("%s was granted break-glass request %s on account %s at %s while already holding the "
            + "grant of request %s (granted %s, %s).", dup.fact.subject(), requestId, s.accountId,
            Instant.ofEpochMilli(dup.fact.grantedAt()), held.fact.requestId(), Instant.ofEpochMilli(held.fact.grantedAt()),
            heldEnd == null ? "without an end" : "until " + Instant.ofEpochMilli(heldEnd)));
    ctx.raise(b, requestId);
  }
}
