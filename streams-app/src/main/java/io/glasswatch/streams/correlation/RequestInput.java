package io.glasswatch.streams.correlation;

import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.RevokeResult;

/** One input of stage A ({@link RequestCorrelator}), keyed by request id. Never serialized. */
public sealed interface RequestInput {
  /** A request-scoped gateway event (request, approval, grant, usage, expiry). */
  record Gateway(GatewayEvent event) implements RequestInput {}

  /** A revoke result, re-keyed from command id to request id. */
  record Result(RevokeResult result) implements RequestInput {}

  /**
   * A gateway source's progress mark (a clock tick with the progress headers, see
   * {@link io.glasswatch.kafka.ProgressMarks}), read from one partition of the gateway topic.
   */
  record Progress(SourceProgress progress) implements RequestInput {}
}
