package io.glasswatch.streams.correlation;

import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;

/**
 * What stage A offers its {@link RequestRule}s for one judgement of one request: time, the request's
 * effective policy, deadlines, and alerts. {@link RequestCorrelator} implements it; rule tests use a
 * fake.
 */
interface RequestContext {
  /** Stream time of the judgement, epoch milliseconds. */
  long now();

  /**
   * The request's effective policy, {@code policy.resolve(accountId, tenant)} (account of the request,
   * else of the grant; tenant of the request).
   */
  Policy policy();

  /**
   * Whether stream time reached {@code dueAt}; when not, the request wakes up then (its next due time is
   * at most {@code dueAt}).
   */
  boolean due(long dueAt);

  /**
   * Whether a judgement of an event at {@code at} that depends on the request can be made: the request
   * event is known, or stream time reached {@code at + decisionDelay} ({@link #due} of that time).
   */
  boolean ready(long at);

  /**
   * How long a decision still waits for late input, milliseconds: the policy's {@code decisionDelay},
   * or 0 at the end of a replay's input, when no later input can arrive.
   */
  default long lateInputWait() {
    return policy().decisionDelay().toMillis();
  }

  /**
   * Raises the alert (the context completes correlation, request, account, subject, tenant and
   * {@code detectedAt}; an alert id raised before is ignored). With revoke in its policy, the request's
   * latest grant is revoked; before the request has any grant the revoke waits for the grant.
   */
  void raise(AlertBuilder b);

  /** {@link #raise}, but a revoke is issued at once, also without a grant (without an assignment). */
  void raiseRevokingAtOnce(AlertBuilder b);
}
