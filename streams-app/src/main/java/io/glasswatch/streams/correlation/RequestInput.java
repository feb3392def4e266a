package io.glasswatch.streams.correlation;

import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeResult;

/** One input of stage A ({@link RequestCorrelator}), keyed by request id. Never serialized. */
public sealed interface RequestInput {
  /** A request-scoped gateway event (request, approval, grant, usage, expiry). */
  record Gateway(GatewayEvent event) implements RequestInput {}

  /** A revoke result, re-keyed from command id to request id. */
  record Result(RevokeResult result) implements RequestInput {}
}
