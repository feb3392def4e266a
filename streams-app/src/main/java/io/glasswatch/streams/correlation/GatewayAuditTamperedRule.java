package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;

/**
 * GATEWAY_AUDIT_TAMPERED (SPEC section 3): a record of the AuthZ gateway's signed {@code audit.log}
 * arrives with {@code auditChainStatus} {@code broken} (its HMAC does not match: edited; or its
 * {@code previousChecksum} is not the checksum of the record before it: removed, inserted or reordered;
 * the producer checks the chain with the configured audit key). One alert per broken record, raised at
 * once, defined by the record's gateway event id (a re-delivered copy is dropped before, by its
 * {@code sourceDigest}); the
 * summary names the record ({@code file:line}, the event's origin) and the test that failed. Correlation:
 * the record's request, or {@code subject:<subject>} when it names none. A record that is
 * {@code unanchored} (read from the middle of a file) or {@code unverified} (no key) raises nothing.
 * Policy key: {@code alerts.GATEWAY_AUDIT_TAMPERED}.
 */
final class GatewayAuditTamperedRule implements RequestRule {
  @Override
  public AlertType type() {
    return AlertType.GATEWAY_AUDIT_TAMPERED;
  }

  @Override
  public int rank() {
    return 125;
  }

  @Override
  public void evaluate(RequestState s, RequestContext ctx) {
    for (RequestState.BrokenAudit b : s.brokenAudits) {
      if (!s.decided.add(AlertType.GATEWAY_AUDIT_TAMPERED + "|" + b.eventId())) {
        continue;
      }
      ctx.raise(AlertBuilder.of(ctx.policy(), AlertType.GATEWAY_AUDIT_TAMPERED)
          .defining(b.eventId())
          .eventTime(b.at())
          .summary(String.format("The AuthZ gateway's signed audit log does not verify at %s (record of %s, %s): %s.",
              b.origin() == null ? "an unnamed record" : b.origin(), Instant.ofEpochMilli(b.at()),
              s.requestId, b.problem() == null ? "broken checksum chain" : b.problem())));
    }
  }
}
