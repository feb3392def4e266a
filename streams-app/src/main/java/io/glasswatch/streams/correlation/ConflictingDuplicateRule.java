package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.detection.AlertBuilder;
import java.time.Instant;

/**
 * CONFLICTING_DUPLICATE (SPEC section 3), once per idempotency key: a CloudTrail record whose
 * {@code eventID}, or a GuardDuty finding whose {@code id} and {@code updatedAt}, an earlier input of the
 * account carried with different content ({@link InputDedup}: every field Glasswatch reads, not where
 * the input was read). A copy with the
 * same content is re-delivery and raises nothing. Both records stay in the timeline (the second under its
 * own entry id) and the second is judged like any record, so a root sign-in reusing the id of a benign
 * record is still root activity. Correlation {@code account:<id>}, the account's policy; defined by the
 * {@code eventID} (a third content under the same id is the same violation: its timeline entry is kept,
 * the alert is not raised again), evidence the {@code eventID}. Nothing to revoke.
 */
final class ConflictingDuplicateRule implements AccountRule {
  @Override
  public AlertType type() {
    return AlertType.CONFLICTING_DUPLICATE;
  }

  @Override
  public int rank() {
    return 90;
  }

  @Override
  public void onConflictingDuplicate(AccountState s, Duplicate d, AccountContext ctx) {
    AlertBuilder b = AlertBuilder.of(ctx.accountPolicy(), AlertType.CONFLICTING_DUPLICATE)
        .correlationId(s.correlation()).accountId(s.accountId)
        .defining(d.eventId()).detectedAt(ctx.now())
        .eventTime(d.eventTime())
        .summary(String.format("Two %s inputs of account %s carry the id %s with different content "
            + "(the later one, %s at %s, is timeline entry %s): the log was altered or a source re-used an id; both "
            + "are kept and judged.", d.source(), s.accountId, d.eventId(), d.eventName(),
            Instant.ofEpochMilli(d.eventTime()), d.entryId()));
    ctx.raiseOnly(b);
  }
}
