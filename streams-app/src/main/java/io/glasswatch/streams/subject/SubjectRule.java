package io.glasswatch.streams.subject;

import io.glasswatch.catalogue.AlertType;
import io.glasswatch.streams.correlation.SubjectRequest;

/**
 * One alert rule of the subject stage ({@link SubjectCorrelator}), judged over one requester's state
 * when a request of theirs arrives (each request once). The stage never revokes: a policy giving a
 * subject rule's type the {@code revoke} action is refused when the topology is built.
 *
 * <p>Registration: {@link SubjectCorrelator} finds the rule of each catalogue type by name (class
 * {@code <AlertTypeInCamelCase>Rule} in this package implementing this interface, see
 * {@code detection.RuleCatalogue}); rules run in {@link #rank()} order.
 */
interface SubjectRule {
  /** The catalogue type this rule raises. */
  AlertType type();

  /** Position of the rule when several fire on one request (lower first). Unique within the stage. */
  int rank();

  /**
   * Judges the arrival of request {@code r} of the subject {@code s}.
   *
   * @return whether {@code s} changed
   */
  boolean onRequest(SubjectState s, SubjectRequest r, SubjectContext ctx);
}
