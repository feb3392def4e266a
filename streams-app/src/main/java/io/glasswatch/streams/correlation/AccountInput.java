package io.glasswatch.streams.correlation;

import io.glasswatch.schema.CloudTrailEvent;
import io.glasswatch.schema.GatewayEvent;
import io.glasswatch.schema.GuardDutyFinding;
import io.glasswatch.streams.timeline.TimelineDraft;

/** One input of stage B ({@link AccountCorrelator}), keyed by AWS account id. Never serialized. */
public sealed interface AccountInput {
  /** A CloudTrail record. */
  record CloudTrail(CloudTrailEvent event) implements AccountInput {}

  /** A GuardDuty finding. */
  record GuardDuty(GuardDutyFinding finding) implements AccountInput {}

  /** An account-scoped gateway event (rotation, root_declaration). */
  record Gateway(GatewayEvent event) implements AccountInput {}

  /** A grant fact from stage A. */
  record Fact(GrantFact fact) implements AccountInput {}

  /** A lifecycle step of a request from stage A. */
  record Lifecycle(LifecycleFact fact) implements AccountInput {}

  /**
   * A revoke command stage A issued, re-keyed by the account of its assignment, on its way to
   * {@code revoke-commands}: stage B names the overlapping grants in it and, when {@code alert} is not
   * null, in the alert that caused it, which stage B then publishes with its timeline entry.
   */
  record Revoke(io.glasswatch.schema.RevokeCommand command, io.glasswatch.schema.Alert alert)
      implements AccountInput {
    /** The input of one {@link io.glasswatch.schema.RevokeOrder}. */
    public static Revoke of(io.glasswatch.schema.RevokeOrder order) {
      return new Revoke(order.getCommand(), order.getAlert());
    }
  }

  /**
   * The timeline entry of a delivery attempt or outcome of an {@code account:<id>} correlation's alert:
   * only filed in the account's timeline chain, it reads no state and moves no deadline.
   *
   * @param draft the entry
   * @param correlationId the alert's correlation, {@code account:<id>}
   */
  record Delivery(TimelineDraft draft, String correlationId) implements AccountInput {}
}
