package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;

/**
 * GRANT_ERROR (SPEC section 3): the break-glass system reports an {@code error} for the request (the JIT
 * controller's {@code ERROR}, SPEC 1.4). One alert per error event, defined by its gateway event id,
 * raised at once (it needs nothing else of the request); the summary names the phase and the source's
 * error text. In the revoke phase (or the reconciler's expiry) the assignment may have outlived the
 * grant: {@link SourceEvents} ends the grant fact at the error with reason {@code revoke_error}, so the
 * expiry sweeper checks the assignment, and the summary says so. Policy key: {@code alerts.GRANT_ERROR};
 * it revokes nothing by default.
 */
final class GrantErrorRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.GRANT_ERROR;
  }

  @Override
  public int rank() {
    return 115;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    for (RequestState.ErrorEvent e : s.errors) {
      if (!s.decided.add(AlertType.GRANT_ERROR + "|" + e.eventId())) {
        continue;
      }
      String phase = e.phase() == null ? "an unnamed phase" : "the " + e.phase() + " phase";
      ctx.raise(AlertBuilder.of(ctx.policy(), AlertType.GRANT_ERROR).defining(e.eventId())
          .evidence(RequestRules.requestEvidence(s)).eventTime(e.at())
          .summary(String.format("%s reported an error for request %s in %s at %s: %s%s",
              s.source == null ? "The break-glass system" : s.source, s.requestId, phase, Instant.ofEpochMilli(e.at()),
              e.message() == null ? "(no error text)" : e.message(),
              e.endingPhase() ? "; the assignment may still exist, so the expiry sweeper checks it." : ".")));
    }
  }
}
