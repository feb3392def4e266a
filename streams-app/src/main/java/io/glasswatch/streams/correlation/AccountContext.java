package io.glasswatch.streams.correlation;

import io.glasswatch.schema.Alert;
import io.glasswatch.schema.AlertResolution;
import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;
import java.util.List;

/**
 * What stage B offers its {@link AccountRule}s for one account: time, policy, and every output. The
 * correlator implements it over its stores and the Kafka Streams context; rule tests use a fake that
 * records what the rule asked for.
 */
interface AccountContext {
  /** Deadline time of the current decision, epoch milliseconds (event time; live, see DeadlineClock). */
  long now();

  /**
   * How long a decision under {@code pol} still waits for late input, milliseconds: its
   * {@code decisionDelay}, or 0 at the end of a replay's input, when no later input can arrive
   * ({@link io.glasswatch.streams.time.DeadlineClock#atEnd()}).
   */
  default long lateInputWait(Policy pol) {
    return pol.decisionDelay().toMillis();
  }

  /** The account's policy, {@code policy.resolve(accountId, null)}. */
  Policy accountPolicy();

  /** The policy of a grant's request, {@code policy.resolve(accountId, tenant of v)}; the account's for null. */
  Policy policyOf(AccountState.GrantView v);

  /**
   * Emits the alert built by {@code b} (with its timeline entry). When its policy includes revoke, revokes
   * the grant of {@code requestId} if still active, or, for a null {@code requestId}, every active grant of
   * the account; the grants of the same assignment that lose it too are named in the alert.
   *
   * @return the alert emitted
   */
  Alert raise(AlertBuilder b, String requestId);

  /**
   * Emits the alert built by {@code b} and revokes exactly {@code targets} (grants with an assignment,
   * chosen by the rule); the overlapping grants of the same assignment are named in the alert.
   *
   * @return the alert emitted
   */
  Alert raiseRevoking(AlertBuilder b, List<AccountState.GrantView> targets);

  /** Emits the alert built by {@code b} without any revoke. */
  Alert raiseOnly(AlertBuilder b);

  /**
   * Publishes a resolution to {@code alert-resolutions} and files its {@code alert_resolved} entry in the
   * resolved alert's timeline.
   */
  void resolve(AlertResolution resolution);
}
