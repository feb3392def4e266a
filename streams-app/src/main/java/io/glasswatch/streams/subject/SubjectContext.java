package io.glasswatch.streams.subject;

import io.glasswatch.streams.detection.AlertBuilder;
import io.glasswatch.streams.policy.Policy;

/** What the subject stage offers its {@link SubjectRule}s: time, policy and alerts (never revokes). */
interface SubjectContext {
  /** Stream time of the decision, epoch milliseconds. */
  long now();

  /** The effective policy of a request, {@code policy.resolve(accountId, tenant)}. */
  Policy policy(String accountId, String tenant);

  /**
   * Emits the alert built by {@code b} (complete, {@code detectedAt} included) and its timeline entry
   * under the alert's request.
   */
  void raise(AlertBuilder b);
}
