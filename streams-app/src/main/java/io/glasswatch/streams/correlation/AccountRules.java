package io.glasswatch.streams.correlation;

import io.glasswatch.streams.detection.RuleCatalogue;
import java.util.List;

/**
 * Stage B's rule set: every {@link AccountRule} of this package, found from the alert catalogue by
 * {@link RuleCatalogue} (no list to edit), in rank order; each hook runs every rule in that order.
 */
final class AccountRules {
  /** The rules, in rank order. */
  static final List<AccountRule> ALL =
      RuleCatalogue.load(AccountRules.class.getPackageName(), AccountRule.class, AccountRule::type, AccountRule::rank);

  private AccountRules() {}

  static void onCovered(AccountState s, AccountState.PendingRoot p, AccountState.GrantView g, AccountContext ctx) {
    ALL.forEach(r -> r.onCovered(s, p, g, ctx));
  }

  static void onUncovered(AccountState s, AccountRule.Uncovered batch, AccountContext ctx) {
    ALL.forEach(r -> r.onUncovered(s, batch, ctx));
  }

  static void onGrant(AccountState s, AccountState.GrantView v, AccountContext ctx) {
    ALL.forEach(r -> r.onGrant(s, v, ctx));
  }

  static void onConflictingDuplicate(AccountState s, AccountRule.Duplicate d, AccountContext ctx) {
    ALL.forEach(r -> r.onConflictingDuplicate(s, d, ctx));
  }

  static void onRotation(AccountState s, AccountState.Rotation rotation, AccountContext ctx) {
    ALL.forEach(r -> r.onRotation(s, rotation, ctx));
  }

  static void onSessionCall(AccountState s, SessionCall call, AccountState.GrantView g, AccountContext ctx) {
    ALL.forEach(r -> r.onSessionCall(s, call, g, ctx));
  }

  static void onEmergencyAssume(AccountState s, AccountState.EmergencyAssume a, AccountContext ctx) {
    ALL.forEach(r -> r.onEmergencyAssume(s, a, ctx));
  }

  /** A break-glass root declaration {@code d} was recorded for the account. */
  static void onDeclaration(AccountState s, AccountState.Declaration d, AccountContext ctx) {
    ALL.forEach(r -> r.onDeclaration(s, d, ctx));
  }

  /** Every rule's deadlines at {@code now}; whether {@code s} changed. */
  static boolean evaluate(AccountState s, long now, AccountContext ctx) {
    boolean changed = false;
    for (AccountRule r : ALL) {
      changed |= r.evaluate(s, now, ctx);
    }
    return changed;
  }

  /** The earliest of every rule's next due time, or null. */
  static Long nextDue(AccountState s, AccountContext ctx) {
    Long due = null;
    for (AccountRule r : ALL) {
      Long d = r.nextDue(s, ctx);
      if (d != null) {
        due = RequestLifecycle.earliest(due, d);
      }
    }
    return due;
  }
}
