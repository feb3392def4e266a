package io.glasswatch.streams.correlation;

import io.glasswatch.catalogue.AlertType;
import java.util.List;

/**
 * One alert rule of stage B ({@link AccountCorrelator}), judged over one account's state. A rule class
 * states its rule in its Javadoc and owns everything the rule decides: when it fires, its alert, the
 * deadline it waits for ({@link #evaluate} and {@link #nextDue} side by side, so that a deadline is never
 * judged without being scheduled) and, for ROTATION_OVERDUE, when its alert no longer stands.
 *
 * <p>Registration: {@link AccountRules} finds the rule of each catalogue type by name (class
 * {@code <AlertTypeInCamelCase>Rule} in this package implementing this interface), so adding a rule is
 * adding its class. Every hook has a default that does nothing; rules run in {@link #rank()} order.
 * Rules keep their own decisions (decided flags, alert ids) in {@link AccountState}; all outputs go
 * through the {@link AccountContext}.
 */
interface AccountRule {
  /** The catalogue type this rule raises. */
  AlertType type();

  /**
   * Position of the rule when several rules act on one record (lower first); the order of their alerts
   * and timeline entries follows it. Unique within the stage.
   */
  int rank();

  /**
   * A root event was filed under the grant {@code g} that covers it.
   *
   * @param p the event (root use, a failed root sign-in or a console root call)
   */
  default void onCovered(AccountState s, AccountState.PendingRoot p, AccountState.GrantView g,
      AccountContext ctx) {}

  /**
   * Root events no grant covered once their decision delay passed, decided together in event-time
   * order; the unauthorized sessions they belong to are formed already.
   */
  default void onUncovered(AccountState s, Uncovered batch, AccountContext ctx) {}

  /** A grant fact arrived, new ({@code v} just filed) or changed. */
  default void onGrant(AccountState s, AccountState.GrantView v, AccountContext ctx) {}

  /** Rotation evidence {@code r} was recorded for the account (see {@link AccountState.Rotation}). */
  default void onRotation(AccountState s, AccountState.Rotation r, AccountContext ctx) {}

  /** A break-glass root declaration {@code d} (gateway {@code root_declaration}) was recorded for the account. */
  default void onDeclaration(AccountState s, AccountState.Declaration d, AccountContext ctx) {}

  /**
   * A record arrived with the idempotency key of an earlier record and content not seen under it before
   * ({@link InputDedup}); it is judged like a new input after this hook.
   */
  default void onConflictingDuplicate(AccountState s, Duplicate d, AccountContext ctx) {}

  /**
   * A CloudTrail record of the session of grant {@code g} (SPEC 1.6) was filed under its request
   * ({@link GrantSessions}).
   */
  default void onSessionCall(AccountState s, SessionCall call, AccountState.GrantView g, AccountContext ctx) {}

  /**
   * An {@code AssumeRole} of a policy-listed emergency role was recorded ({@code a}, in
   * {@link AccountState#emergencyAssumes}); {@code a.coveredBy} names the request whose grant covered it
   * then, or is null.
   */
  default void onEmergencyAssume(AccountState s, AccountState.EmergencyAssume a, AccountContext ctx) {}

  /**
   * The rule's deadlines not decided yet whose alert would be raised if nothing else arrived (for the
   * summary of a replay: deadlines still open after its last event). Reads {@code s} only.
   */
  default java.util.List<OpenDeadline> openDeadlines(AccountState s, AccountContext ctx) {
    return java.util.List.of();
  }

  /**
   * Decides the rule's deadlines that deadline time {@code now} reached.
   *
   * @return whether {@code s} changed
   */
  default boolean evaluate(AccountState s, long now, AccountContext ctx) {
    return false;
  }

  /**
   * The earliest deadline time at which {@link #evaluate} can change {@code s} without new input, or
   * null when there is none. Never later than the true time.
   */
  default Long nextDue(AccountState s, AccountContext ctx) {
    return null;
  }

  /**
   * Root events decided uncovered together.
   *
   * @param opened unauthorized sessions the batch opened, in order of their first event
   * @param events the uncovered events, in event-time order (then event id)
   */
  /**
   * A conflicting duplicate.
   *
   * @param source {@code CloudTrail} or {@code GuardDuty}
   * @param eventId the shared idempotency key (CloudTrail {@code eventID}, finding {@code id})
   * @param eventTime event time of the duplicate, epoch milliseconds
   * @param eventName what the duplicate says happened ({@code eventName}, finding type)
   * @param digest content digest of the duplicate ({@link InputDedup#contentDigest})
   * @param entryId the duplicate's own timeline entry id
   */
  record Duplicate(String source, String eventId, long eventTime, String eventName, String digest, String entryId) {}

  record Uncovered(List<AccountState.RootSession> opened, List<AccountState.PendingRoot> events) {}
}
