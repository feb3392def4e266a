package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.timeline.TimelineDrafts;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * EXPIRY_EXTENDED (SPEC section 3): every grant event of the request but its earliest (event time, then
 * arrival; re-deliveries never reach this stage) is a second grant, and the summary says when it gives
 * the same token a later {@code expiresAt}. Once per offending grant, when ready (see
 * {@link RequestRules}; the alert id makes it once); defined by the offending grant, with the extended
 * grant (else the first grant) as evidence.
 */
final class ExpiryExtendedRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.EXPIRY_EXTENDED;
  }

  @Override
  public int rank() {
    return 80;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    if (s.grants.size() < 2) {
      return;
    }
    RequestState.Grant first = s.grants.stream().min(Comparator.comparingLong(RequestState.Grant::grantedAt))
        .orElseThrow();
    for (RequestState.Grant g : s.grants) {
      if (g == first || !ctx.ready(g.grantedAt())) {
        continue;
      }
      RequestState.Grant extended = s.grants.stream()
          .filter(o -> o != g && o.grantedAt() <= g.grantedAt() && o.tokenFingerprint() != null
              && o.tokenFingerprint().equals(g.tokenFingerprint()) && o.expiresAt() != null
              && g.expiresAt() != null && g.expiresAt() > o.expiresAt())
          .findFirst().orElse(null);
      String summary = extended != null
          ? String.format("Grant %s of request %s at %s extends token %s from %s to %s.", g.eventId(), s.requestId,
              Instant.ofEpochMilli(g.grantedAt()), TimelineDrafts.shortFingerprint(g.tokenFingerprint()),
              Instant.ofEpochMilli(extended.expiresAt()), Instant.ofEpochMilli(g.expiresAt()))
          : String.format("Request %s received a second grant %s at %s (until %s) after its grant %s at %s.",
              s.requestId, g.eventId(), Instant.ofEpochMilli(g.grantedAt()),
              g.expiresAt() == null ? "no expiry" : Instant.ofEpochMilli(g.expiresAt()), first.eventId(),
              Instant.ofEpochMilli(first.grantedAt()));
      ctx.raise(AlertBuilder.of(ctx.policy(), AlertType.EXPIRY_EXTENDED).defining(g.eventId())
          .evidence(List.of(extended != null ? extended.eventId() : first.eventId()))
          .eventTime(g.grantedAt()).summary(summary));
    }
  }
}
